import type { ServerEvent, ServerFrame, UnsequencedEvent } from '@support-chat/protocol';
import { sessionChannel, type Db, type NumberedEvent, type SessionStore } from '../core/ports';
import type { Connection } from './connection';

/**
 * A session's event log as the conversation sees it. In one process it lives in memory and the
 * SessionStore (`SessionLog`); in a Durable Object, in the object's own storage.
 */
export interface SessionEvents {
  /** The session's last seq now; `atLeast` lifts it past what a client has seen. */
  load(session: string, atLeast?: number): Promise<number>;
  current(session: string): number;
  emit(session: string, event: UnsequencedEvent): Promise<ServerEvent>;
  /**
   * Persists the last seq so numbering survives a restart; `written`: a seq already stored with
   * the turn's answer (`messages.add`'s `lastSeq`), so nothing is written when it is the last.
   */
  checkpoint(session: string, written?: number): Promise<void>;
  /** Events after `after`, or null when the log no longer covers them all. */
  replay(session: string, after: number): Promise<ServerEvent[] | null>;
  /** Resolves once `conn` receives every later event, from whichever process emits it. */
  attach(session: string, conn: Connection): Promise<void>;
  detach(session: string, conn: Connection): void;
  /** Replies that are not events (errors) to every connection of the session. */
  broadcast(session: string, frame: ServerFrame): void;
  /** Whether a connection of the session is attached here (someone to answer for). */
  watching(session: string): boolean;
  /** A turn in flight keeps the session's state in memory until released. */
  hold(session: string): void;
  release(session: string): void;
}

/**
 * The session log over a `SessionStore`: the store numbers and keeps the events and carries
 * them to every process, so one conversation can have sockets on several processes (tabs,
 * reconnects landing elsewhere) and each socket gets every event once, in order. With the
 * in-memory store it is the same log, confined to one process.
 */
export class SessionLog implements SessionEvents {
  /** The last seq this process knows per session in use: the floor of the next number. */
  private readonly seqs = new Map<string, number>();
  private readonly listeners = new Map<string, Set<Connection>>();
  /** One store subscription per session with listeners here. */
  private readonly subscriptions = new Map<string, Promise<() => void>>();
  /** Turns in flight per session: their seq must stay in memory even with no listener left. */
  private readonly holds = new Map<string, number>();

  constructor(private readonly db: Db, private readonly store: SessionStore) {}

  async load(session: string, atLeast = 0): Promise<number> {
    // The store's number is authoritative while it holds the session; the database's last
    // checkpoint takes over when it expired or was lost.
    const stored = await this.store.lastSeq(session);
    const base = stored ?? (await this.db.conversations.get(session))?.lastSeq ?? 0;
    // After a crash both can lag what a client saw; never reuse a number it holds.
    const seq = Math.max(base, atLeast, this.seqs.get(session) ?? 0);
    this.seqs.set(session, seq);
    return seq;
  }

  current(session: string): number {
    return this.seqs.get(session) ?? 0;
  }

  async emit(session: string, event: UnsequencedEvent): Promise<ServerEvent> {
    const floor = this.seqs.get(session) ?? (await this.load(session));
    // Delivery comes back through the subscription, in the store's order, to every process.
    const seq = await this.store.appendEvent(session, event, floor);
    this.seqs.set(session, Math.max(seq, this.seqs.get(session) ?? 0));
    return { ...event, seq } as ServerEvent;
  }

  /** Persists the last seq so a restarted server continues the numbering. */
  async checkpoint(session: string, written?: number): Promise<void> {
    const seq = this.seqs.get(session);
    if (seq !== undefined && seq !== written) await this.db.conversations.setLastSeq(session, seq);
  }

  async replay(session: string, after: number): Promise<ServerEvent[] | null> {
    const events = await this.store.eventsAfter(session, after);
    // Nothing kept, but nothing missed either (the store was emptied after the client caught up).
    if (events === null) return after >= this.current(session) ? [] : null;
    return events.map((n) => ({ ...(n.event as object), seq: n.seq }) as ServerEvent);
  }

  async attach(session: string, conn: Connection): Promise<void> {
    let set = this.listeners.get(session);
    if (!set) this.listeners.set(session, (set = new Set()));
    set.add(conn);
    let subscribed = this.subscriptions.get(session);
    if (!subscribed) {
      subscribed = this.store.subscribe(sessionChannel(session), (m) => this.onMessage(session, m));
      this.subscriptions.set(session, subscribed);
      // A failed subscribe is not kept: the next attach tries again.
      subscribed.catch(() => {
        if (this.subscriptions.get(session) === subscribed) this.subscriptions.delete(session);
      });
    }
    try {
      await subscribed;
    } catch (err) {
      this.detach(session, conn);
      throw err;
    }
  }

  detach(session: string, conn: Connection): void {
    const set = this.listeners.get(session);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) {
      this.listeners.delete(session);
      const subscribed = this.subscriptions.get(session);
      this.subscriptions.delete(session);
      subscribed?.then((unsubscribe) => unsubscribe()).catch(() => {});
    }
    this.forgetIfIdle(session);
  }

  hold(session: string): void {
    this.holds.set(session, (this.holds.get(session) ?? 0) + 1);
  }

  release(session: string): void {
    const n = (this.holds.get(session) ?? 1) - 1;
    if (n > 0) this.holds.set(session, n);
    else this.holds.delete(session);
    this.forgetIfIdle(session);
  }

  watching(session: string): boolean {
    return this.listeners.has(session);
  }

  /** Every socket of the session, in every process; falls back to this process's when the store is down. */
  broadcast(session: string, frame: ServerFrame): void {
    this.store.publish(sessionChannel(session), { frame }).catch(() => this.deliver(session, frame));
  }

  private onMessage(session: string, message: unknown): void {
    const m = message as Partial<NumberedEvent> & { frame?: ServerFrame };
    if (m.frame) return this.deliver(session, m.frame);
    if (typeof m.seq !== 'number') return;
    if (m.seq > (this.seqs.get(session) ?? 0)) this.seqs.set(session, m.seq);
    this.deliver(session, { ...(m.event as object), seq: m.seq } as ServerEvent);
  }

  private forgetIfIdle(session: string): void {
    // The seq is in the store and the database; memory keeps only sessions in use.
    if (!this.listeners.has(session) && !this.holds.has(session)) this.seqs.delete(session);
  }

  private deliver(session: string, frame: ServerFrame): void {
    for (const conn of this.listeners.get(session) ?? []) {
      try {
        conn.send(frame);
      } catch {
        // A socket that died mid-send is detached by its close handler; the others still get it.
      }
    }
  }
}
