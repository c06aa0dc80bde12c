/**
 * The `Db` port on node-postgres, for Node with `POSTGRES_URL` set and for the commands that
 * prepare a database the Workers use (`db:migrate`, `ingest --target`). Same schema, repos and
 * `SqlClient` shape as the Neon adapter.
 */
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Db } from '../../core/ports';
import type { SqlClient } from '../vectors/pgvector';
import { createDb, type Sealing } from './create-db';
import { migrationsFolder } from './migrate';
import { pooledSqlClient, type PooledSqlClient } from './pooled-sql';

export interface PostgresOptions {
  max?: number;
  /** An idle connection failed (the server restarted or went away); the pool replaces it. */
  onError?: (err: Error) => void;
  /** Longest wait for a connection, new or from a full pool (default 5 s). */
  connectTimeoutMs?: number;
  /**
   * Longest wait for a query's answer, client side; the connection is then dropped. Off by
   * default: an ingest's index build may take minutes. A server sets it so a request never
   * hangs on a network that swallows packets.
   */
  queryTimeoutMs?: number;
  /** How visitor data is sealed at rest (create-db.ts); unset, in the clear. */
  sealing?: Sealing;
}

/** A connection of its own holding the schema lock, for work that changes the schema. */
export interface SchemaSession {
  orm: NodePgDatabase;
  sql: SqlClient;
}

export interface OpenedPostgres {
  db: Db;
  sql: PooledSqlClient;
  orm: NodePgDatabase;
  pool: pg.Pool;
  /**
   * Runs `work` while this database's schema lock is held (a session-level advisory lock on a
   * dedicated connection), so processes starting at once change the schema one after another.
   * Not reentrant: `work` must not call `exclusive` again.
   */
  exclusive<T>(work: (session: SchemaSession) => Promise<T>, onWait?: () => void): Promise<T>;
  close(): Promise<void>;
}

/** Every process of this product takes the same key; an arbitrary constant nobody else uses. */
export const SCHEMA_LOCK_KEY = 7_381_946_205;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export function openPostgres(url: string, opts: PostgresOptions = {}): OpenedPostgres {
  const connectionTimeoutMillis = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis,
    query_timeout: opts.queryTimeoutMs || undefined,
    // A peer that vanished without closing (a VM gone, a cable pulled) is noticed in seconds, not hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // Without a listener an idle connection that dies (server restart) would crash the process.
  pool.on('error', (err) => opts.onError?.(err));
  const orm = drizzle({ client: pool });
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= pool.end());

  const exclusive = async <T>(work: (session: SchemaSession) => Promise<T>, onWait?: () => void): Promise<T> => {
    // Not from the pool: the lock must not wait on pool slots, nor be cut by the query timeout
    // while another process migrates a large table.
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis });
    client.on('error', (err) => opts.onError?.(err));
    await client.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SCHEMA_LOCK_KEY]);
      if (!rows[0].ok) {
        onWait?.();
        await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
      }
      try {
        return await work({ orm: drizzle({ client }), sql: clientSql(client) });
      } finally {
        // Ending the session releases the lock too; unlocking first frees it at once.
        await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]).catch(() => {});
      }
    } finally {
      await client.end().catch(() => {});
    }
  };

  return { db: createDb(orm, close, { sealing: opts.sealing }), sql: pooledSqlClient(pool), orm, pool, exclusive, close };
}

/** Applies the drizzle-kit migrations under the schema lock: two processes starting at once apply them once. */
export async function migratePostgres(pg: OpenedPostgres, onWait?: () => void): Promise<void> {
  await pg.exclusive(({ orm }) => applyMigrations(orm), onWait);
}

/** The migrations themselves (drizzle records what it applied); call inside `exclusive`. */
export async function applyMigrations(orm: NodePgDatabase): Promise<void> {
  await migrate(orm, { migrationsFolder });
}

/** Whether the server can create pgvector's `vector` extension (installed, or available to install). */
export async function hasPgvector(sql: SqlClient): Promise<boolean> {
  const { rows } = await sql.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  return rows.length > 0;
}

function clientSql(client: pg.Client): SqlClient {
  return {
    query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)) as unknown as { rows: T[] },
    exec: (text: string) => client.query(text),
  };
}
