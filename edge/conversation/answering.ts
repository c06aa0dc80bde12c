import { inSpan } from '../core/tracing';
import type { Deps } from '../core/deps';
import type { TicketRow } from '../core/ports';
import { error } from './errors';
import { takeLease, turnKey, type HeldLease } from './lease';
import { endInterrupted, isAnswered, unanswered } from './recovery';
import type { SessionEvents } from './session-log';
import { runTurn, TurnFailed } from './turn';

/** Who is asking: the reply's language, and the address per-visitor limits count against. */
export interface Asker {
  locale?: string;
  address?: string;
}

/** What storing a message found: `fresh` when this call stored it (so no turn ever ran for it). */
export interface Stored {
  fresh: boolean;
  text: string;
}

/**
 * Who answers which message, and when. One turn at a time per session, so answers never
 * interleave in the history. Several processes may serve one conversation: a message is
 * answered once wherever it arrives, because whoever holds its lease (in the shared
 * SessionStore) stores and answers it and the database remembers that it was. A process that
 * dies mid-answer stops renewing its lease, and the next one to serve the conversation takes
 * the message over.
 */
export class Answering {
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
    private readonly log: SessionEvents,
    /** A visitor's message while a ticket is live (it goes to the agents, and may notify the site). */
    private readonly toPeople?: (ticket: TicketRow, m: { siteId: string; session: string; messageId: string; text: string }) => Promise<void>,
  ) {
    this.owner = deps.newId('p');
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

  /**
   * Takes a message under its lease: `store` makes sure it is in the database, then it is
   * acknowledged and answered, unless it already was. Returns quietly when another process
   * (or a turn here) holds it: that one's events reach every socket of the session.
   */
  async take(siteId: string, session: string, messageId: string, asker: Asker, store: () => Promise<Stored>): Promise<boolean> {
    if (this.draining) throw new Error('the server is shutting down');
    const key = turnKey(session, messageId);
    if (this.inFlight.has(key)) return true;
    this.inFlight.add(key);
    let lease: HeldLease | null = null;
    let stored: Stored = { fresh: false, text: '' };
    try {
      lease = await takeLease(this.deps.sessions, key, this.owner, this.deps.settings.turnLeaseMs, this.deps.log);
      if (!lease) {
        this.inFlight.delete(key);
        return false;
      }
      stored = await store();
      // A message stored just now has had no turn yet: nothing to look up, nothing to close.
      if (!stored.fresh && (await isAnswered(this.deps, session, messageId))) {
        this.inFlight.delete(key);
        await lease.stop();
        return true;
      }
      this.log.hold(session);
      try {
        // With its text: the visitor's other tabs and the agent watching show it from the event.
        await this.log.emit(session, { type: 'ack', id: messageId, text: stored.text });
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
    const { fresh, text } = stored;
    // The turn runs behind the ack: the connection keeps reading frames (pings, more messages).
    this.queue(
      session,
      messageId,
      async () => {
        try {
          // A person owns the conversation: the message is theirs to answer, the assistant stays silent.
          const ticket = await this.deps.db.tickets.openFor(session);
          if (ticket) return await this.toPeople?.(ticket, { siteId, session, messageId, text });
          if (!fresh || this.interrupted.has(key)) {
            await endInterrupted(this.deps, this.log, session, messageId, this.interrupted.get(key));
            this.interrupted.delete(key);
          }
          // One trace per answer: its stages and provider calls are the spans under it.
          await inSpan('answer', { 'support_chat.site': siteId }, () => runTurn(this.deps, this.log, { siteId, session, messageId, text, ...asker }, this.stopping.signal));
        } catch (err) {
          // The stores failed mid-turn: the message stays unanswered until they are back.
          if (err instanceof TurnFailed && err.answerId) this.interrupted.set(key, err.answerId);
          this.retryOrphans(siteId, session, asker, 1);
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
  async adoptOrphans(siteId: string, session: string, asker: Asker, attempt = 0): Promise<void> {
    let again = false;
    try {
      const orphans = (await unanswered(this.deps, session)).filter((m) => !this.inFlight.has(turnKey(session, m.clientId)));
      for (const m of orphans) {
        const taken = await this.take(siteId, session, m.clientId, asker, async () => ({ fresh: false, text: m.text }));
        if (taken) this.deps.log.info('took over a message left unanswered', { session, message: m.clientId });
        else again = true;
      }
    } catch (err) {
      again = true;
      this.deps.log.warn('could not look for unanswered messages', { session, error: String(err) });
    }
    if (again) this.retryOrphans(siteId, session, asker, attempt + 1);
  }

  private retryOrphans(siteId: string, session: string, asker: Asker, attempt: number): void {
    const interval = Math.max(250, Math.floor(this.deps.settings.turnLeaseMs / 2));
    const maxAttempts = Math.ceil((this.deps.settings.answerTimeoutMs + 2 * this.deps.settings.turnLeaseMs) / interval);
    if (this.draining || attempt > maxAttempts || !this.log.watching(session)) return;
    const t = setTimeout(() => {
      this.retries.delete(t);
      void this.adoptOrphans(siteId, session, asker, attempt);
    }, interval);
    (t as { unref?: () => void }).unref?.();
    this.retries.add(t);
  }

  /** Queues work after the session's previous turn; its hold on the session ends with it. */
  queue(session: string, ref: string | undefined, work: () => Promise<void>, done?: () => Promise<void>): void {
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
