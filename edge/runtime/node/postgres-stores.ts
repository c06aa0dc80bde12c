/**
 * A shared PostgreSQL (Neon, or any server) as the stores of a Node command or process: the
 * database the Workers read. Migrations are applied by `db:migrate`, not implicitly: opening
 * refuses a database whose schema is behind, saying which command brings it up to date.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { IndexInfo } from '../../core/ports';
import { migrationsFolder } from '../../stores/db/migrate';
import { migratePostgres, openPostgres, type OpenedPostgres } from '../../stores/db/postgres';
import { PgVectorStore, type PgVectorOptions } from '../../stores/vectors/pgvector';

export class TargetDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetDatabaseError';
  }
}

export interface PostgresStores {
  db: OpenedPostgres['db'];
  vectors: PgVectorStore;
  close(): Promise<void>;
}

export interface MigrateResult {
  /** Migrations applied by this run (0 when the schema was already current). */
  applied: number;
  /** `ready` when the pgvector table exists for `vectorIndex`; `no-pgvector` when the server lacks it. */
  vectors: 'ready' | 'no-pgvector' | 'skipped';
}

/** Where the vectors live is pgvector here; a server without it gets this explanation. */
export const NO_PGVECTOR =
  'this PostgreSQL server has no pgvector extension, so it cannot hold the vector index. The relational ' +
  'tables are fine on it; for vectors use a server with pgvector (Neon has it: it is created for you) ' +
  'or, once the providers land, Qdrant';

export async function migrateTarget(url: string, opts: { vectorIndex?: IndexInfo | null } = {}): Promise<MigrateResult> {
  const pg = openPostgres(url, { max: 2 });
  try {
    const before = await appliedHashes(pg);
    await migratePostgres(pg.orm);
    const applied = (await appliedHashes(pg)).size - before.size;
    if (opts.vectorIndex === null) return { applied, vectors: 'skipped' };
    if (!(await hasPgvector(pg))) return { applied, vectors: 'no-pgvector' };
    if (opts.vectorIndex) await new PgVectorStore(pg.sql).ensure(opts.vectorIndex);
    return { applied, vectors: 'ready' };
  } finally {
    await pg.close();
  }
}

/** The stores of an ingest into `url`: its schema must be current and it must have pgvector. */
export async function openPostgresStores(url: string, vectorOptions?: PgVectorOptions): Promise<PostgresStores> {
  const pg = openPostgres(url);
  try {
    const applied = await appliedHashes(pg);
    const pending = readMigrationFiles({ migrationsFolder }).filter((m) => !applied.has(m.hash)).length;
    if (pending > 0) {
      throw new TargetDatabaseError(
        `the database schema is ${applied.size === 0 ? 'not there' : `${pending} migration(s) behind`}; run: npm run db:migrate -- --target <url>`,
      );
    }
    if (!(await hasPgvector(pg))) throw new TargetDatabaseError(NO_PGVECTOR);
    return { db: pg.db, vectors: new PgVectorStore(pg.sql, vectorOptions), close: pg.close };
  } catch (err) {
    await pg.close();
    throw err;
  }
}

async function appliedHashes(pg: OpenedPostgres): Promise<Set<string>> {
  const { rows } = await pg.sql.query<{ t: string | null }>(`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t`);
  if (!rows[0].t) return new Set();
  const res = await pg.sql.query<{ hash: string }>('SELECT hash FROM drizzle.__drizzle_migrations');
  return new Set(res.rows.map((r) => r.hash));
}

async function hasPgvector(pg: OpenedPostgres): Promise<boolean> {
  const { rows } = await pg.sql.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  return rows.length > 0;
}
