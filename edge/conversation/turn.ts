import type { Deps } from '../core/deps';
import { abortable, untilAborted } from '../core/stream';
import { AnswerClosing, prepareAnswer, questionIn, TURN_HISTORY, type PreparedAnswer } from '../pipeline';
import { rememberAnswer } from '../pipeline/cache';
import { openTicket } from './handoff';
import type { SessionEvents } from './session-log';
import { Deltas } from './deltas';
import { countAnswer } from './answer-metrics';
import { annotate } from '../core/tracing';

export interface TurnInput {
  siteId: string;
  session: string;
  messageId: string;
  text: string;
  locale?: string;
  /** The asker's address, for the order look-up's limits. */
  address?: string;
}

/**
 * One answer, streamed as events: answer.start, answer.delta…, stored, then answer.end.
 * Whatever fails, the visitor gets an answer.end (with what streamed so far and an honest
 * notice) and the history stays consistent. What the answer cites, costs and may cache is
 * the pipeline's closing (`AnswerClosing`); a turn streams and stores it.
 */
export async function runTurn(deps: Deps, log: SessionEvents, t: TurnInput, stop?: AbortSignal): Promise<void> {
  const answerId = deps.newId('a');
  const began = deps.clock.now();
  let firstAt: number | null = null;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('answer timed out')), deps.settings.answerTimeoutMs);
  // A graceful stop whose grace ran out ends the answer like a timeout: told, stored, ended.
  const onStop = () => abort.abort(stop!.reason);
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  let text = '';
  let started = false;
  let failed: unknown = null;
  let prepared: PreparedAnswer | null = null;
  const closing = new AnswerClosing();
  const deltas = new Deltas(async (piece) => void (await log.emit(t.session, { type: 'answer.delta', id: answerId, text: piece })), () => deps.clock.now());
  try {
    const history = await abortable(deps.db.messages.recent(t.session, TURN_HISTORY), abort.signal);
    prepared = await abortable(prepareAnswer(deps, questionIn(history, t), abort.signal), abort.signal);
    closing.begin(prepared);
    annotate({ 'support_chat.intent': prepared.intent, 'support_chat.confidence': prepared.confidence });
    await log.emit(t.session, { type: 'answer.start', id: answerId, replyTo: t.messageId, intent: prepared.intent });
    started = true;
    for await (const part of untilAborted(prepared.text, abort.signal)) await say(closing.take(part));
    await say(closing.flush());
  } catch (err) {
    if (started) await say(closing.flush()).catch(() => {});
    failed = err;
    deps.log.error('answer failed', { stage: prepared ? 'answer' : 'pipeline', site: t.siteId, error: String(err) });
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener('abort', onStop);
  }

  try {
    await finish();
  } catch (err) {
    // The stores failed too, so the visitor could not even be told: whoever answers this
    // message later ends the answer the visitor saw begin.
    throw new TurnFailed(started ? answerId : null, err);
  }

  async function say(piece: string): Promise<void> {
    if (!piece) return;
    text += piece;
    firstAt ??= deps.clock.now();
    await deltas.push(piece);
  }

  async function finish(): Promise<void> {
    // A piece that could not be sent is in `text` all the same: stored, and told as a failure.
    await deltas.flush().catch((err: unknown) => void (failed ??= err));
    if (!started) {
      await log.emit(t.session, { type: 'answer.start', id: answerId, replyTo: t.messageId, intent: prepared?.intent ?? 'other' });
      started = true;
    }
    if (failed) {
      const notice = closing.failureNotice(text);
      text += notice;
      await log.emit(t.session, { type: 'answer.delta', id: answerId, text: notice });
    }
    const closed = closing.close(text, Boolean(failed));
    const { citations, confidence, handoff } = closed;
    // Stored and cached before the end is announced: a visitor who sees the end can rate the
    // answer at once, and whoever asks the same next (on any process) gets it from the cache
    // instead of a second LLM call racing these writes. The end's seq, if nothing comes between,
    // is checkpointed with the answer: a turn then writes no checkpoint of its own.
    const endSeq = log.current(t.session) + 1;
    await deps.db.messages.add({
      id: deps.newId('m'),
      conversationId: t.session,
      role: 'assistant',
      clientId: answerId,
      replyTo: t.messageId,
      text,
      intent: prepared?.intent ?? null,
      citations,
      confidence,
      usage: closed.usage,
    }, { lastSeq: endSeq });
    if (closed.cache) await rememberAnswer(deps, closed.cache.key, closed.cache.answer);
    countAnswer(deps, t.siteId, closed, Boolean(failed), { began, firstAt, stages: prepared?.timings ?? {} });
    // One line per answer: which intent model decided, and where the time went (no message text).
    deps.log.info('answered', {
      site: t.siteId,
      conversation: t.session,
      // The visitor's message id: what a socket message has for a request id.
      message: t.messageId,
      intent: prepared?.intent ?? null,
      intentModel: prepared?.intentModel ?? null,
      confidence,
      citations: citations.length,
      ms: prepared?.timings ?? {},
      ...(failed ? { failed: true } : {}),
    });
    await log.emit(t.session, { type: 'answer.end', id: answerId, citations, confidence, ...(handoff ? { handoff } : {}) });
    if (closed.wantsPerson) {
      // A complaint goes ahead of the queue: an unhappy customer waiting longer only gets angrier.
      const priority = prepared?.intent === 'complaint' ? 'high' : 'normal';
      await openTicket(deps, log, { siteId: t.siteId, session: t.session, reason: t.text, priority });
    }
    await log.checkpoint(t.session, endSeq);
  }
}

/** A turn that could neither answer nor say so (the session store or the database failed). */
export class TurnFailed extends Error {
  constructor(
    /** The answer the visitor saw start, if any: it is still open on their screen. */
    readonly answerId: string | null,
    cause: unknown,
  ) {
    super(`the turn failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TurnFailed';
  }
}

