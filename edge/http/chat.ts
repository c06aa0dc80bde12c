import type { Hono } from 'hono';
import { streamSSE, type SSEMessage } from 'hono/streaming';
import { z } from 'zod';
import { checkClientFrame, PROTOCOL_VERSION, type ErrorCode, type MessageFrame, type ServerFrame, type UnsequencedEvent } from '@support-chat/protocol';
import type { Deps } from '../core/deps';
import type { ChatService, Peer } from '../conversation/chat';
import { RateLimited } from '../conversation/limits';
import { UnknownSession } from '../conversation/errors';
import { frameSizedBody } from './body-limit';
import type { AddressOf } from './client-address';
import { checkSite } from './site-access';

const chatRequest = z.object({
  site: z.string().min(1).max(128),
  session: z.string().min(1).max(128).optional(),
  /** The secret the first reply gave with `session`; without it a new conversation starts. */
  resume: z.string().min(1).max(128).optional(),
  /** The site's public key, as the page gives it (`data-key`). */
  key: z.string().max(200).optional(),
  id: z.string().min(1).max(128),
  text: z.string(),
});

const STATUS: Partial<Record<ErrorCode, 400 | 401 | 403 | 404 | 413 | 429 | 503>> = {
  invalid_message: 400,
  unauthorized: 401,
  too_long: 413,
  forbidden_origin: 403,
  unknown_site: 404,
  rate_limited: 429,
  unavailable: 503,
};

/** The HTTP twins of the socket, for hosts that cannot keep one open. */
/** `assignedSession`: where requests were routed by conversation (a Durable Object), its id. */
export function mountChatHttp(app: Hono, deps: Deps, chat: ChatService, addressOf: AddressOf = () => undefined, assignedSession?: string): void {
  app.post('/v1/chat', frameSizedBody, async (c) => {
    const body = chatRequest.safeParse(await c.req.json().catch(() => null));
    if (!body.success) {
      const issue = body.error.issues[0];
      return c.json({ error: { code: 'invalid_message', message: `"${issue.path.join('.') || 'body'}" ${issue.message}` } }, 400);
    }
    const req = body.data;
    const check = await checkSite(deps.db, req.site, c.req.header('origin'), { key: req.key, authorization: c.req.header('authorization') });
    if (!check.ok) return c.json({ error: { code: check.code, message: check.message } }, check.status);
    const message: MessageFrame = { type: 'message', id: req.id, text: req.text };
    // The same validation as a socket frame, so both paths refuse the same input.
    const checked = checkClientFrame(message);
    if (!checked.ok) return c.json({ error: { code: checked.error.code, message: checked.error.message } }, STATUS[checked.error.code] ?? 400);

    const queue = new FrameQueue();
    const address = addressOf(c);
    const peer: Peer = { conn: { id: deps.newId('c'), send: (f) => queue.push(f) }, siteId: check.site.id, session: null, ...(address ? { address } : {}), ...(assignedSession ? { assignedSession } : {}) };
    try {
      await chat.handle(peer, { type: 'hello', v: PROTOCOL_VERSION, session: req.session, resume: req.resume });
    } catch (err) {
      if (err instanceof UnknownSession) return c.json({ error: { code: 'unknown_session', message: err.message } }, 404);
      if (!(err instanceof RateLimited)) throw err;
      return c.json({ error: { code: 'rate_limited', message: err.message, retryAfter: err.retryAfter } }, 429, { 'Retry-After': String(err.retryAfter) });
    }
    const session = peer.session!;
    const ready = queue.find((f) => f.type === 'ready');
    // A new conversation's secret, for the next request's `resume`.
    const resume = ready?.type === 'ready' ? ready.resume : undefined;
    queue.clear(); // `ready` is the socket's business; HTTP answers the message only
    await chat.handle(peer, message);
    const refused = queue.find((f) => f.type === 'error' && f.ref === req.id);
    if (refused?.type === 'error') {
      chat.detach(peer);
      const wait = refused.retryAfter ? { 'Retry-After': String(refused.retryAfter) } : undefined;
      return c.json({ error: { code: refused.code, message: refused.message, retryAfter: refused.retryAfter } }, STATUS[refused.code] ?? 400, wait);
    }
    void chat.idle(session).then(() => {
      chat.detach(peer);
      queue.close();
    });

    if (!c.req.header('accept')?.includes('text/event-stream')) {
      await chat.idle(session);
      const answer = await storedAnswer(deps, session, req.id);
      // No answer because a person has the conversation: say which ticket, so the client waits for them.
      const told = queue.find((f) => f.type === 'handoff');
      const ticket = (told?.type === 'handoff' ? told.ticket : undefined) ?? (answer ? undefined : (await deps.db.tickets.openFor(session))?.id);
      return c.json({
        session,
        ...(resume ? { resume } : {}),
        answer,
        ...(ticket ? { ticket } : {}),
      });
    }
    return streamSSE(c, async (stream) => {
      let answerId: string | null = null;
      for await (const f of queue) {
        // Other tabs' turns share the session; this response carries its own answer only.
        if (f.type === 'answer.start' && f.replyTo === req.id) answerId = f.id;
        const ours =
          (f.type === 'answer.start' && f.replyTo === req.id) ||
          ((f.type === 'answer.delta' || f.type === 'answer.end') && f.id === answerId) ||
          f.type === 'handoff' ||
          (f.type === 'error' && f.ref === req.id);
        if (!ours) continue;
        await stream.writeSSE(sseEvent(f, session, resume));
      }
      // A resent id was answered before: send that answer again rather than nothing.
      if (answerId === null) {
        const stored = await storedAnswer(deps, session, req.id);
        if (!stored) return;
        const { id, replyTo, intent, text, citations, confidence } = stored;
        // Not from the session log, so without seq: a retry must not look like new events.
        const again: UnsequencedEvent[] = [
          // As the answer's own start said it: a turn whose pipeline failed stored no intent.
          { type: 'answer.start', id, replyTo, intent: intent ?? 'other' },
          { type: 'answer.delta', id, text },
          { type: 'answer.end', id, citations, confidence: confidence ?? 0 },
        ];
        for (const f of again) await stream.writeSSE(sseEvent(f, session, resume));
      }
    });
  });

}

/** A frame as an SSE event, naming its session (and the secret, when the request began it). */
function sseEvent(f: ServerFrame | UnsequencedEvent, session: string, resume?: string): SSEMessage {
  return { event: f.type, data: JSON.stringify({ ...f, session, ...(resume ? { resume } : {}) }), ...('seq' in f ? { id: String(f.seq) } : {}) };
}

/** The stored answer to a message id: also what a retried request gets, answered once. */
async function storedAnswer(deps: Deps, session: string, messageId: string) {
  const rows = await deps.db.messages.list(session);
  const answer = rows.find((m) => m.role === 'assistant' && m.replyTo === messageId);
  if (!answer) return null;
  return { id: answer.clientId, replyTo: messageId, text: answer.text, intent: answer.intent, citations: answer.citations, confidence: answer.confidence };
}

/** Frames pushed by the session log, read once in order by the response. */
class FrameQueue implements AsyncIterable<ServerFrame> {
  private items: ServerFrame[] = [];
  private seen: ServerFrame[] = [];
  private closed = false;
  private wake: (() => void) | null = null;

  push(f: ServerFrame): void {
    this.items.push(f);
    this.seen.push(f);
    this.wake?.();
  }
  close(): void {
    this.closed = true;
    this.wake?.();
  }
  clear(): void {
    this.items = [];
    this.seen = [];
  }
  find(pred: (f: ServerFrame) => boolean): ServerFrame | undefined {
    return this.seen.find(pred);
  }
  async *[Symbol.asyncIterator](): AsyncIterator<ServerFrame> {
    for (;;) {
      const next = this.items.shift();
      if (next) yield next;
      else if (this.closed) return;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
}
