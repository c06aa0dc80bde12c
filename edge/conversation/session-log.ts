import type { ServerEvent, ServerFrame, UnsequencedEvent } from '../../sdk/protocol';
import type { Db, SessionStore } from '../core/ports';
import type { Connection } from './connection';

/**
 * A session's event log as the conversation sees it. In one process it lives in memory and the
 * SessionStore (`SessionLog`); in a Durable Object, in the object's own storage.
 */
export interface SessionEvents {
  /** Loads the session's last seq; `atLeast` lifts it past what a client has seen. */
  load(session: string, atLeast?: number): Promise<number>;
  current(session: string): number;
  emit(session: string, event: UnsequencedEvent): Promise<ServerEvent>;
  /** Persists the last seq so numbering survives a restart. */
  checkpoint(session: string): Promise<void>;
  /** Events after `after`, or null when the log no longer covers them all. */
  replay(session: string, after: number): Promise<ServerEvent[] | null>;
  attach(session: string, conn: Connection): void;
  detach(session: string, conn: Connection): void;
  /** Replies that are not events (errors) to every connection of the session. */
  broadcast(session: string, frame: ServerFrame): void;
  /** A turn in flight keeps the session's state in memory until released. */
  hold(session: string): void;
  release(session: string): void;
}

/**
 * Numbers a session's events (seq rises by one per event), keeps them for resume and delivers
 * them to every connection of that session (several tabs share one conversation).
 */
export class SessionLog implements SessionEvents {
  private readonly seqs = new Map<string, number>();
  private readonly listeners = new Map<string, Set<Connection>>();
  /** Turns in flight per session: their seq must stay in memory even with no listener left. */
  private readonly holds = new Map<string, number>();

  constructor(private readonly db: Db, private readonly store: SessionStore) {}

  /** Loads the session's last seq; `atLeast` lifts it past what a client has seen. */
  async load(session: string, atLeast = 0): Promise<number> {
    let seq = this.seqs.get(session);
    if (seq === undefined) seq = (await this.db.conversations.get(session))?.lastSeq ?? 0;
    // After a crash the stored seq can lag what a client saw; never reuse a number it holds.
    if (atLeast > seq) seq = atLeast;
    this.seqs.set(session, seq);
    return seq;
  }

  current(session: string): number {
    return this.seqs.get(session) ?? 0;
  }

  async emit(session: string, event: UnsequencedEvent): Promise<ServerEvent> {
    const seq = (this.seqs.get(session) ?? (await this.load(session))) + 1;
    this.seqs.set(session, seq);
    const full = { ...event, seq } as ServerEvent;
    this.deliver(session, full);
    await this.store.appendEvent(session, seq, full);
    return full;
  }

  /** Persists the last seq so a restarted server continues the numbering. */
  async checkpoint(session: string): Promise<void> {
    const seq = this.seqs.get(session);
    if (seq !== undefined) await this.db.conversations.setLastSeq(session, seq);
  }

  /** Events after `after`, or null when the log no longer covers them all (evicted, restarted). */
  async replay(session: string, after: number): Promise<ServerEvent[] | null> {
    const current = this.current(session);
    if (after >= current) return [];
    const events = ((await this.store.eventsAfter(session, after)) ?? []) as ServerEvent[];
    const complete = events.length > 0 && events[0].seq === after + 1 && events[events.length - 1].seq === current;
    return complete ? events : null;
  }

  attach(session: string, conn: Connection): void {
    let set = this.listeners.get(session);
    if (!set) this.listeners.set(session, (set = new Set()));
    set.add(conn);
  }

  detach(session: string, conn: Connection): void {
    const set = this.listeners.get(session);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) this.listeners.delete(session);
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

  private forgetIfIdle(session: string): void {
    // The seq is in the database after each turn; memory keeps only sessions in use.
    if (!this.listeners.has(session) && !this.holds.has(session)) this.seqs.delete(session);
  }

  /** Replies that are not events (errors, pong) go to every connection of the session too. */
  broadcast(session: string, frame: ServerFrame): void {
    this.deliver(session, frame);
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
