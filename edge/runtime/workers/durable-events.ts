/**
 * The session log of one conversation inside its Durable Object: `seq` and the recent events
 * live in the object's own SQLite, so a resume is served from there even after the object
 * hibernated or restarted; events go to every socket of the object (every tab).
 */
import type { ServerEvent, ServerFrame, UnsequencedEvent } from '@support-chat/protocol';
import type { Connection } from '../../conversation/connection';
import type { SessionEvents } from '../../conversation/session-log';
import type { Db } from '../../core/ports';
import type { SqlStorage } from './platform';

/** Events written to storage as one row (the deltas of an answer come in bursts). */
export const EVENTS_PER_ROW = 16;
/** Events kept for resume; a client further behind gets the whole history instead. */
export const KEPT_EVENTS = 1000;

export class DurableSessionEvents implements SessionEvents {
  private seq: number | null = null;
  /** The seq last written to storage (-1: none yet). */
  private stored = -1;
  /** Events emitted but not yet written: flushed every EVENTS_PER_ROW and when a turn ends. */
  private pending: ServerEvent[] = [];
  private holds = 0;
  /** Connections registered by `hello` in this life of the object (gates while a replay is sent). */
  private readonly attached = new Map<string, Connection>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly db: () => Db,
    /** Every socket that has said hello, as recorded on the socket (it survives hibernation). */
    private readonly sockets: () => Connection[],
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS log_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS log_events (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, events TEXT NOT NULL)`);
  }

  async load(session: string, atLeast = 0): Promise<number> {
    if (this.seq === null) {
      const stored = this.storedSeq();
      // A fresh object (storage new or lost) continues the numbering Postgres remembers.
      const seq = stored ?? (await this.db().conversations.get(session))?.lastSeq ?? 0;
      if (this.seq === null) {
        this.seq = seq;
        this.stored = stored ?? -1;
      }
    }
    // After a crash the stored seq can lag what a client saw; never reuse a number it holds.
    if (atLeast > this.seq) this.seq = atLeast;
    return this.seq;
  }

  current(): number {
    return this.seq ?? this.storedSeq() ?? 0;
  }

  async emit(session: string, event: UnsequencedEvent): Promise<ServerEvent> {
    const seq = (this.seq ?? (await this.load(session))) + 1;
    this.seq = seq;
    const full = { ...event, seq } as ServerEvent;
    this.pending.push(full);
    this.deliver(full);
    if (this.pending.length >= EVENTS_PER_ROW) this.flush();
    return full;
  }

  async checkpoint(session: string, written?: number): Promise<void> {
    this.flush();
    if (this.seq !== null && this.seq !== written) await this.db().conversations.setLastSeq(session, this.seq);
  }

  async replay(_session: string, after: number): Promise<ServerEvent[] | null> {
    const current = this.current();
    if (after >= current) return [];
    const rows = this.sql.exec<{ events: string }>('SELECT events FROM log_events WHERE last_seq > ? ORDER BY first_seq', after).toArray();
    const events = [...rows.flatMap((r) => JSON.parse(r.events) as ServerEvent[]), ...this.pending].filter((e) => e.seq > after);
    const complete = events.length > 0 && events[0].seq === after + 1 && events[events.length - 1].seq === current;
    return complete ? events : null;
  }

  async attach(_session: string, conn: Connection): Promise<void> {
    this.attached.set(conn.id, conn);
  }

  detach(_session: string, conn: Connection): void {
    if (this.attached.get(conn.id) === conn) this.attached.delete(conn.id);
  }

  watching(): boolean {
    return this.attached.size > 0 || this.sockets().length > 0;
  }

  broadcast(_session: string, frame: ServerFrame): void {
    this.deliver(frame);
  }

  hold(): void {
    this.holds++;
  }

  release(): void {
    this.holds = Math.max(0, this.holds - 1);
    if (this.holds === 0) this.flush();
  }

  /** Writes what is pending as one row, the seq with it, and drops rows past the bound. */
  flush(): void {
    if (this.seq === null) return;
    if (this.pending.length > 0) {
      const first = this.pending[0].seq;
      const last = this.pending[this.pending.length - 1].seq;
      this.sql.exec('INSERT OR REPLACE INTO log_events (first_seq, last_seq, events) VALUES (?, ?, ?)', first, last, JSON.stringify(this.pending));
      this.pending = [];
    }
    if (this.seq !== this.stored) {
      this.sql.exec(`INSERT INTO log_meta (key, value) VALUES ('seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, this.seq);
      this.sql.exec('DELETE FROM log_events WHERE last_seq <= ?', this.seq - KEPT_EVENTS);
      this.stored = this.seq;
    }
  }

  private storedSeq(): number | null {
    const rows = this.sql.exec<{ value: number }>(`SELECT value FROM log_meta WHERE key = 'seq'`).toArray();
    return rows.length ? Number(rows[0].value) : null;
  }

  private deliver(frame: ServerFrame): void {
    const targets = new Map(this.attached);
    // After hibernation nothing is attached in memory: the sockets themselves say who said hello.
    for (const conn of this.sockets()) if (!targets.has(conn.id)) targets.set(conn.id, conn);
    for (const conn of targets.values()) {
      try {
        conn.send(frame);
      } catch {
        // A socket that died mid-send is cleaned up by its close event; the others still get it.
      }
    }
  }
}
