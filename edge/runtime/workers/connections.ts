/**
 * Postgres connections that come and go under stores that stay. A Durable Object cannot
 * hibernate while it holds an outgoing WebSocket (measured in workerd: an object with one open
 * stayed in memory, the same object after closing it hibernated), and Neon's connections are
 * WebSockets; so the object connects while it works and lets go shortly after. The `Db` and
 * the vector store above are built once and reach whichever connection is open.
 */
import type { Db } from '../../core/ports';
import type { OpenedNeon } from '../../stores/db/neon';
import type { SqlClient } from '../../stores/vectors/pgvector';

type WebSocketClass = new (url: string, protocols?: string | string[]) => WebSocket;

/**
 * Neon's connections, closed for sure. Measured in workerd with @neondatabase/serverless 1.x:
 * after `pool.end()` resolved, the pooled connection's WebSocket was still open (so the object
 * never hibernated); closing it by hand let the object hibernate. Sends after that close (the
 * driver's late goodbye) are dropped instead of throwing out of a timer.
 */
export function connectClosing(open: (webSocketConstructor: WebSocketClass) => OpenedNeon): OpenedNeon {
  const sockets = new Set<WebSocket>();
  const Base = (globalThis as unknown as { WebSocket: WebSocketClass }).WebSocket;
  class Tracked extends Base {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.add(this);
      this.addEventListener('close', () => sockets.delete(this));
    }
    override send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
      if (this.readyState === 1) super.send(data);
    }
  }
  const neon = open(Tracked);
  let closing: Promise<void> | null = null;
  return {
    ...neon,
    close: () =>
      (closing ??= neon.close().finally(async () => {
        // Let the driver say goodbye (Terminate) where it still does, then close what is left.
        await new Promise((r) => setTimeout(r, 50));
        for (const ws of sockets) ws.close(1000, 'done');
        sockets.clear();
      })),
  };
}

interface Closable {
  close(): Promise<void>;
}

/** A connection opened on demand and closed `lingerMs` after the last piece of work ends. */
export class LingeringConnection<T extends Closable> {
  private value: T | null = null;
  private users = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly open: () => T,
    private readonly lingerMs: number,
  ) {}

  /** The open connection (opening it). Used outside `during`, it still closes after the linger. */
  get(): T {
    this.value ??= this.open();
    if (this.users === 0) this.schedule();
    return this.value;
  }

  async during<R>(work: () => Promise<R>): Promise<R> {
    this.users++;
    this.cancel();
    try {
      return await work();
    } finally {
      if (--this.users === 0) this.schedule();
    }
  }

  get isOpen(): boolean {
    return this.value !== null;
  }

  private schedule(): void {
    this.cancel();
    // Messages a few seconds apart reuse the connection; an idle object lets it go and can hibernate.
    this.timer = setTimeout(() => {
      this.timer = null;
      const value = this.value;
      if (this.users > 0 || !value) return;
      this.value = null;
      void value.close().catch(() => {});
    }, this.lingerMs);
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * A `Db` whose every call goes to `current()`'s: looked up at each access, so a store built
 * once keeps working across reconnects. (A Proxy, so groups added to the port need nothing here.)
 */
export function dbOver(current: () => Db): Db {
  return new Proxy({} as Db, {
    get(_, key) {
      const db = current();
      const value = db[key as keyof Db];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(db) : value;
    },
  });
}

/** Session settings (`SET name = value`, not `SET LOCAL`) within a statement list. */
const SESSION_SET = /^\s*SET\s+(?:SESSION\s+)?(?!LOCAL\b)[A-Za-z_][\w.]*\s*(?:=|\s+TO\s+)\s*[^;\n]+/gim;

/**
 * A `SqlClient` over `current()`'s, for PgVectorStore: the session settings it applied once
 * (search tuning) are applied again on each new connection before its first query, so the
 * store is prepared once per object, not once per connection.
 */
export function sqlOver(current: () => SqlClient): SqlClient {
  const settings: string[] = [];
  const primed = new WeakSet<SqlClient>();
  const client = async (): Promise<SqlClient> => {
    const sql = current();
    if (!primed.has(sql)) {
      primed.add(sql);
      if (settings.length) await sql.exec(settings.join(';\n'));
    }
    return sql;
  };
  return {
    async query<T = Record<string, unknown>>(text: string, params?: unknown[]) {
      return (await client()).query<T>(text, params);
    },
    async exec(text: string) {
      const sql = await client();
      for (const m of text.matchAll(SESSION_SET)) settings.push(m[0].trim());
      return sql.exec(text);
    },
  };
}
