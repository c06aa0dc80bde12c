/**
 * The `Db` port on node-postgres, for Node with `POSTGRES_URL` set and for the commands that
 * prepare a database the Workers use (`db:migrate`, `ingest --target`). Same schema, repos and
 * `SqlClient` shape as the Neon adapter.
 */
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Db } from '../../core/ports';
import { createDb } from './create-db';
import { migrationsFolder } from './migrate';
import { pooledSqlClient, type PooledSqlClient } from './pooled-sql';

export interface OpenedPostgres {
  db: Db;
  sql: PooledSqlClient;
  orm: NodePgDatabase;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function openPostgres(url: string, opts: { max?: number; onError?: (err: Error) => void } = {}): OpenedPostgres {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle connection that dies (server restart) must not crash the process.
  pool.on('error', (err) => opts.onError?.(err));
  const orm = drizzle({ client: pool });
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= pool.end());
  return { db: createDb(orm, close), sql: pooledSqlClient(pool), orm, pool, close };
}

/** Applies the drizzle-kit migrations (idempotent: drizzle records what it applied). */
export async function migratePostgres(orm: NodePgDatabase): Promise<void> {
  await migrate(orm, { migrationsFolder });
}
