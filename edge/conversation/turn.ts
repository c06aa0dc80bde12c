import type { Deps } from '../core/deps';
import type { Source, Usage } from '../core/ports';
import { abortable, untilAborted } from '../core/stream';
import { CitationGuard } from '../core/citations';
import { offersPerson, phrase } from '../language';
import { prepareAnswer, type CachedAnswer } from '../pipeline/answer';
import { LOW_CONFIDENCE } from '../pipeline/confidence';
import { answerUsage } from '../providers/openai/pricing';
import { isFallbackAnswer } from '../providers/resilience/fallback';
import { openTicket } from './handoff';
import type { SessionEvents } from './session-log';

export interface TurnInput {
  siteId: string;
  session: string;
  messageId: string;
  text: string;
  locale?: string;
}

/**
 * One answer, streamed as events: answer.start, answer.delta…, answer.end, then stored.
 * Whatever fails, the visitor gets an answer.end (with what streamed so far and an honest
 * notice) and the history stays consistent.
 */
export async function runTurn(deps: Deps, log: SessionEvents, t: TurnInput, stop?: AbortSignal): Promise<void> {
  const answerId = deps.newId('a');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('answer timed out')), deps.settings.answerTimeoutMs);
  // A graceful stop whose grace ran out ends the answer like a timeout: told, stored, ended.
  const onStop = () => abort.abort(stop!.reason);
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  let text = '';
  /** Sources the model found while answering (tool results): citable like the others. */
  const found: Source[] = [];
  const usage: Usage[] = [];
  let started = false;
  let failed: unknown = null;
  let prepared: Awaited<ReturnType<typeof prepareAnswer>> | null = null;
  // Sources are cited as the visitor reads them: the first one cited is [1], with no gaps.
  let guard: CitationGuard | null = null;
  try {
    const history = await abortable(deps.db.messages.list(t.session), abort.signal);
    const earlier = history
      .filter((m) => m.role === 'user' && m.clientId !== t.messageId)
      .slice(-5)
      .reverse()
      .map((m) => m.text);
    const lastReply = history.filter((m) => m.role === 'assistant').at(-1);
    const offeredPerson = lastReply !== undefined && (lastReply.intent === 'complaint' || (lastReply.confidence ?? 1) < LOW_CONFIDENCE || offersPerson(lastReply.text));
    prepared = await abortable(prepareAnswer(deps, { siteId: t.siteId, text: t.text, locale: t.locale, earlier, offeredPerson }, abort.signal), abort.signal);
    guard = new CitationGuard(new Set(prepared.sources.map((s) => s.n)), { renumber: true });
    await log.emit(t.session, { type: 'answer.start', id: answerId, replyTo: t.messageId, intent: prepared.intent });
    started = true;
    for await (const part of untilAborted(prepared.text, abort.signal)) {
      if (part.type === 'source') {
        found.push(part.source);
        guard.allow(part.source.n);
      } else if (part.type === 'usage') usage.push(part.usage);
      else if (part.text) await say(guard.push(part.text));
    }
    await say(guard.flush());
  } catch (err) {
    if (guard && started) await say(guard.flush()).catch(() => {});
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
    await log.emit(t.session, { type: 'answer.delta', id: answerId, text: piece });
  }

  async function finish(): Promise<void> {
    if (!started) {
      await log.emit(t.session, { type: 'answer.start', id: answerId, replyTo: t.messageId, intent: prepared?.intent ?? 'other' });
      started = true;
    }
    if (failed) {
      const lang = prepared?.language;
      const notice = text ? `\n\n_${phrase('interrupted', lang)}_` : phrase('unavailable', lang);
      text += notice;
      await log.emit(t.session, { type: 'answer.delta', id: answerId, text: notice });
    }
    const given = [...(prepared?.sources ?? []), ...found];
    const sources = guard?.cited(given) ?? [];
    const citations = guard?.citations(given) ?? [];
    const confidence = failed ? 0 : round(prepared!.confidence);
    // Sources given and none cited: the answerer found they do not answer, and said so (offering a person).
    const declined = !failed && prepared!.sources.length > 0 && citations.length === 0;
    const handoff = failed || declined ? true : prepared!.handoff;
    await log.emit(t.session, { type: 'answer.end', id: answerId, citations, confidence, ...(handoff ? { handoff } : {}) });
    // Tokens are paid for even when the answer failed half-way: record what was reported.
    const metered = answerUsage(usage, prepared?.embedding ?? null);
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
      usage: metered && {
        model: metered.model,
        promptTokens: metered.promptTokens,
        completionTokens: metered.completionTokens,
        embeddingTokens: metered.embeddingTokens,
        costUsd: metered.costUsd,
      },
    });
    // A fallback answer is not cached: the better one should be back once the provider is.
    if (prepared && !failed && prepared.cacheKey && !isFallbackAnswer(text)) {
      const cached: CachedAnswer = { intent: prepared.intent, text, sources, confidence: prepared.confidence, handoff };
      // The answer is stored and sent: a cache that cannot take it only costs the next asker time.
      await deps.sessions.cacheSet(prepared.cacheKey, cached, deps.settings.cacheTtlSeconds).catch((err) => {
        deps.log.warn('answer not cached', { error: String(err) });
      });
    }
    if (prepared?.wantsPerson) await openTicket(deps, log, { siteId: t.siteId, session: t.session, reason: t.text });
    await log.checkpoint(t.session);
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

const round = (x: number) => Math.round(x * 1000) / 1000;
