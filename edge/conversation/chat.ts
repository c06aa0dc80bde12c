import type { ClientFrame, FeedbackFrame, HandoffFrame, HelloFrame, MessageFrame, ServerReply } from '../../sdk/protocol';
import type { Deps } from '../core/deps';
import { holdFrames, type Connection, type Peer } from './connection';
import { loadHistory } from './history';
import { SessionLog, type SessionEvents } from './session-log';
import { openTicket } from './handoff';
import { runTurn, TurnFailed } from './turn';
import { takeLease, turnKey, type HeldLease } from './lease';
import { endInterrupted, isAnswered, unanswered } from './recovery';

type ErrorReply = Extract<ServerReply, { type: 'error' }>;

/**
 * Protocol v1 on the server, independent of the transport: the WebSocket route, the SSE and
 * JSON twins and the Durable Object all hand frames to one of these.
 *
 * Several processes may serve one conversation. A message is answered once wherever it
 * arrives: whoever holds its lease (in the shared SessionStore) stores and answers it, and the
 * database remembers that it was. A process that dies mid-answer stops renewing its lease, and
 * the next process to serve the conversation takes the message over.
 */
export class ChatService {
  /** One turn at a time per session, so answers never interleave in the history. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Messages this process is storing or answering: a resend to it must not start another turn. */
  private readonly inFlight = new Set<string>();
  /** Names this process's leases. */
  private readonly owner: string;
  /** Aborted when a drain's grace period ends: answers still running are cut short. */
  private readonly stopping = new AbortController();
  private readonly retries = new Set<ReturnType<typeof setTimeout>>();
  /** Answers that began but whose turn failed with the stores: ended by whoever retries. */
  private readonly interrupted = new Map<string, string>();
  private draining = false;

  constructor(
    private readonly deps: Deps,
    readonly log: SessionEvents = new SessionLog(deps.db, deps.sessions),
  ) {
    this.owner = deps.newId('p');
  }

  async handle(peer: Peer, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'ping':
        return peer.conn.send({ type: 'pong' });
      case 'hello':
        return this.hello(peer, frame);
    }
    if (!peer.session) return peer.conn.send(error('invalid_message', `send "hello" before "${frame.type}"`));
    switch (frame.type) {
      case 'message':
        return this.message(peer, peer.session, frame);
      case 'feedback':
        return this.feedback(peer, peer.session, frame);
      case 'handoff':
        return this.handoff(peer.siteId, peer.session, frame);
    }
  }

  async hello(peer: Peer, frame: HelloFrame): Promise<void> {
    const { db, newId } = this.deps;
    let conversation = frame.session ? await db.conversations.get(frame.session) : null;
    if (conversation && conversation.siteId !== peer.siteId) conversation = null;
    if (conversation && peer.assignedSession && conversation.id !== peer.assignedSession) {
      return peer.conn.send(error('invalid_message', 'hello: "session" does not match the conversation this socket was opened for'));
    }
    const resuming = conversation !== null;
    const assigned = peer.assignedSession ? await db.conversations.get(peer.assignedSession) : null;
    // A conversation belongs to one site: a socket opened for another may not enter it.
    if (assigned && assigned.siteId !== peer.siteId) {
      return peer.conn.send(error('forbidden_origin', 'this conversation belongs to another site'));
    }
    conversation ??=
      assigned ??
      (await db.conversations.create({ id: peer.assignedSession ?? newId('s'), siteId: peer.siteId, locale: frame.locale ?? null }));
    const session = conversation.id;
    if (peer.session && peer.attached) this.log.detach(peer.session, peer.attached);
    peer.session = session;
    peer.locale = frame.locale ?? conversation.locale ?? undefined;

    // Listening before the replay is read, and held until it is sent: nothing falls between.
    const gate = holdFrames(peer.conn);
    peer.attached = gate.conn;
    await this.log.attach(session, gate.conn);
    const after = resuming ? frame.after : undefined;
    const now = await this.log.load(session, after ?? 0);
    const replay = after !== undefined ? await this.log.replay(session, after) : null;
    if (replay) {
      peer.conn.send({ type: 'ready', session, seq: after!, history: [], resumed: true });
      for (const event of replay) peer.conn.send(event);
      gate.release(replay.at(-1)?.seq ?? after!);
    } else {
      const history = await loadHistory(db, session);
      // Events after ready.seq follow; an answer still streaming is not in the history yet,
      // so its remaining deltas arrive without their start (clients show them as they come).
      peer.conn.send({ type: 'ready', session, seq: now, history });
      gate.release(now);
    }
    if (resuming) void this.adoptOrphans(peer.siteId, session, peer.locale);
  }

  async message(peer: Peer, session: string, frame: MessageFrame): Promise<void> {
    const { db, sessions, settings } = this.deps;
    const wait = await sessions.rateLimit(`rl:msg:${session}`, settings.rateLimitPerMinute, 60);
    if (wait > 0) {
      return peer.conn.send(error('rate_limited', `too many messages; try again in ${wait} s`, frame.id, wait));
    }
    try {
      await this.take(peer.siteId, session, frame.id, peer.locale, async () => {
        if (await db.messages.findByClientId(session, frame.id)) return;
        await db.messages.add({
          id: this.deps.newId('m'),
          conversationId: session,
          role: 'user',
          clientId: frame.id,
          replyTo: null,
          text: frame.text,
          intent: null,
          citations: [],
          confidence: null,
        });
      });
    } catch (err) {
      this.deps.log.error('message not taken', { session, error: String(err) });
      // With its id, so the widget sends it again shortly instead of giving up on it.
      peer.conn.send(error('unavailable', 'the message could not be saved just now; it will be sent again', frame.id));
    }
  }

  async feedback(peer: Peer, session: string, frame: FeedbackFrame): Promise<void> {
    const answer = await this.deps.db.messages.findByClientId(session, frame.answer);
    if (!answer || answer.role !== 'assistant') {
      return peer.conn.send(error('invalid_message', `feedback: no answer "${frame.answer.slice(0, 64)}" in this conversation`));
    }
    await this.deps.db.feedback.add({ conversationId: session, answerId: frame.answer, rating: frame.rating, comment: frame.comment ?? null });
  }

  async handoff(siteId: string, session: string, frame: HandoffFrame): Promise<void> {
    this.log.hold(session);
    this.background(session, undefined, async () => {
      await openTicket(this.deps, this.log, { siteId, session, reason: frame.reason ?? 'asked for a person' });
      await this.log.checkpoint(session);
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Settles when every turn queued so far for the session has finished. */
  idle(session: string): Promise<void> {
    return this.queues.get(session) ?? Promise.resolve();
  }

  /**
   * For a graceful stop: takes no more messages, lets the answers in flight finish for up to
   * `graceMs`, then cuts the rest short (each still ends, stored, with a notice).
   */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    const timer = setTimeout(() => this.stopping.abort(new Error('the server is restarting')), graceMs);
    try {
      while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
    } finally {
      clearTimeout(timer);
    }
  }

  detach(peer: Peer): void {
    if (peer.session && peer.attached) this.log.detach(peer.session, peer.attached);
    peer.attached = undefined;
  }

  /**
   * Takes a message under its lease: `store` makes sure it is in the database, then it is
   * acknowledged and answered, unless it already was. Returns quietly when another process
   * (or a turn here) holds it: that one's events reach every socket of the session.
   */
  private async take(siteId: string, session: string, messageId: string, locale: string | undefined, store: () => Promise<void>): Promise<boolean> {
    if (this.draining) throw new Error('the server is shutting down');
    const key = turnKey(session, messageId);
    if (this.inFlight.has(key)) return true;
    this.inFlight.add(key);
    let lease: HeldLease | null = null;
    try {
      lease = await takeLease(this.deps.sessions, key, this.owner, this.deps.settings.turnLeaseMs, this.deps.log);
      if (!lease) {
        this.inFlight.delete(key);
        return false;
      }
      await store();
      if (await isAnswered(this.deps, session, messageId)) {
        this.inFlight.delete(key);
        await lease.stop();
        return true;
      }
      this.log.hold(session);
      try {
        await this.log.emit(session, { type: 'ack', id: messageId });
      } catch (err) {
        this.log.release(session);
        throw err;
      }
    } catch (err) {
      this.inFlight.delete(key);
      await lease?.stop();
      throw err;
    }
    const held = lease;
    const text = (await this.deps.db.messages.findByClientId(session, messageId))?.text ?? '';
    // The turn runs behind the ack: the connection keeps reading frames (pings, more messages).
    this.background(
      session,
      messageId,
      async () => {
        try {
          await endInterrupted(this.deps, this.log, session, messageId, this.interrupted.get(key));
          this.interrupted.delete(key);
          await runTurn(this.deps, this.log, { siteId, session, messageId, text, locale }, this.stopping.signal);
        } catch (err) {
          // The stores failed mid-turn: the message stays unanswered until they are back.
          if (err instanceof TurnFailed && err.answerId) this.interrupted.set(key, err.answerId);
          this.retryOrphans(siteId, session, locale, 1);
          throw err;
        }
      },
      async () => {
        this.inFlight.delete(key);
        await held.stop();
      },
    );
    return true;
  }

  /**
   * Answers what a dead process left unanswered. Its lease lapses within the lease TTL, so a
   * message still held is looked at again while someone here is in the conversation; so is
   * one that failed because the stores were down.
   */
  private async adoptOrphans(siteId: string, session: string, locale: string | undefined, attempt = 0): Promise<void> {
    let again = false;
    try {
      const orphans = (await unanswered(this.deps, session)).filter((m) => !this.inFlight.has(turnKey(session, m.clientId)));
      for (const m of orphans) {
        const taken = await this.take(siteId, session, m.clientId, locale, async () => {});
        if (taken) this.deps.log.info('took over a message left unanswered', { session, message: m.clientId });
        else again = true;
      }
    } catch (err) {
      again = true;
      this.deps.log.warn('could not look for unanswered messages', { session, error: String(err) });
    }
    if (again) this.retryOrphans(siteId, session, locale, attempt + 1);
  }

  private retryOrphans(siteId: string, session: string, locale: string | undefined, attempt: number): void {
    const interval = Math.max(250, Math.floor(this.deps.settings.turnLeaseMs / 2));
    const maxAttempts = Math.ceil((this.deps.settings.answerTimeoutMs + 2 * this.deps.settings.turnLeaseMs) / interval);
    if (this.draining || attempt > maxAttempts || !this.log.watching(session)) return;
    const t = setTimeout(() => {
      this.retries.delete(t);
      void this.adoptOrphans(siteId, session, locale, attempt);
    }, interval);
    (t as { unref?: () => void }).unref?.();
    this.retries.add(t);
  }

  /** Queues work after the session's previous turn; its hold on the session ends with it. */
  private background(session: string, ref: string | undefined, work: () => Promise<void>, done?: () => Promise<void>): void {
    const prev = this.queues.get(session) ?? Promise.resolve();
    const tail = prev
      .then(work)
      .catch((err) => {
        this.deps.log.error('turn failed', { session, error: String(err) });
        this.log.broadcast(session, error('unavailable', 'the answer could not be completed; please try again', ref));
      })
      .finally(async () => {
        this.log.release(session);
        await done?.();
      });
    this.queues.set(session, tail);
    void tail.then(() => {
      if (this.queues.get(session) === tail) this.queues.delete(session);
    });
  }
}

export function error(code: ErrorReply['code'], message: string, ref?: string, retryAfter?: number): ErrorReply {
  return { type: 'error', code, message, ...(ref ? { ref } : {}), ...(retryAfter ? { retryAfter } : {}) };
}

export type { Connection, Peer };
