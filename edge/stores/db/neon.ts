/**
 * The `Db` port on Neon's serverless driver (Postgres over a WebSocket): drizzle over a Neon
 * `Pool`, with the same schema and repos as PGlite and node-postgres. Runs in workerd and in
 * Node; no Node-only API here.
 *
 * In Workers a WebSocket belongs to the request (or Durable Object) that opened it: open the
 * pool where it is used and `close()` it there (`ctx.waitUntil(close())`), never at module scope.
 * Migrations are not applied here: `npm run db:migrate -- --target <url>` does that from Node.
 */
import { Client, Pool, type NeonConfig, type WebSocketConstructor } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import type { Db } from '../../core/ports';
import { createDb, type Sealing } from './create-db';
import { pooledSqlClient, type PooledSqlClient } from './pooled-sql';

export interface NeonOptions {
  /**
   * A WebSocket-to-TCP proxy other than Neon's own, as `host:port` (e.g. `127.0.0.1:8787`): for
   * local Postgres servers. It switches to plain `ws://` with no TLS and no pipelined startup
   * inside, which Neon's proxy offers and a plain Postgres does not.
   */
  wsProxy?: string;
  /** Node before 22 has no global WebSocket: pass `ws`. Workers and browsers need nothing. */
  webSocketConstructor?: unknown;
  /** Connections in the pool (default 5: a Worker invocation rarely runs more in parallel). */
  max?: number;
  /** Told about errors of idle connections (which the pool then drops); they are not thrown. */
  onError?: (err: Error) => void;
  /** How visitor data is sealed at rest (create-db.ts); unset, in the clear. */
  sealing?: Sealing;
}

export interface OpenedNeon {
  db: Db;
  /** For `new PgVectorStore(sql)` over the same pool. */
  sql: PooledSqlClient;
  close(): Promise<void>;
}

/** The per-connection driver settings these options stand for. */
export function neonSocketSettings(opts: NeonOptions): Partial<NeonConfig> {
  const out: Partial<NeonConfig> = {};
  if (opts.webSocketConstructor) out.webSocketConstructor = opts.webSocketConstructor as WebSocketConstructor;
  if (opts.wsProxy) {
    const proxy = opts.wsProxy.replace(/^wss?:\/\//, '').replace(/\/+$/, '');
    out.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
    out.useSecureWebSocket = false;
    out.pipelineTLS = false;
    out.pipelineConnect = false;
  }
  return out;
}

/**
 * Neon's settings are global (`neonConfig`) or per connection; a pool creates its connections
 * itself, so this pool makes them with the settings applied, leaving the global ones alone
 * (another pool in the same isolate may talk to Neon's cloud).
 */
class ConfiguredPool extends Pool {
  constructor(config: ConstructorParameters<typeof Pool>[0], settings: Partial<NeonConfig>) {
    super(config);
    if (Object.keys(settings).length === 0) return;
    this.Client = class extends Client {
      constructor(...args: ConstructorParameters<typeof Client>) {
        super(...args);
        Object.assign(this.neonConfig, settings);
      }
    };
  }
}

export function openNeon(url: string, opts: NeonOptions = {}): OpenedNeon {
  const pool = new ConfiguredPool({ connectionString: url, max: opts.max ?? 5 }, neonSocketSettings(opts));
  // Without a listener an idle connection's error would be thrown as an unhandled 'error' event.
  pool.on('error', (err: Error) => opts.onError?.(err));
  const orm = drizzle({ client: pool });
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= pool.end());
  return { db: createDb(orm, close, { sealing: opts.sealing }), sql: pooledSqlClient(pool), close };
}
