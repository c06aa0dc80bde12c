/**
 * A shared PostgreSQL (Neon, or any server) as the stores of a Node command or process: the
 * database the Workers read. Migrations are applied by `db:migrate`, not implicitly: opening
 * refuses a database whose schema is behind, saying which command brings it up to date.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { IndexInfo } from '../../core/ports';
import type { Sealing } from '../../stores/db/create-db';
import { migrationsFolder } from '../../stores/db/migrate';
import { applyMigrations, hasPgvector, openPostgres, type OpenedPostgres } from '../../stores/db/postgres';
import type { SqlClient } from '../../stores/vectors/pgvector';
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
  'tables are fine on it; for vectors install pgvector on it (e.g. the postgresql-15-pgvector package: ' +
  'the extension is then created for you; Neon has it) or set QDRANT_URL to keep vectors in Qdrant';

/**
 * Migrations, then the pgvector index, under the schema lock the server also takes at start:
 * a deploy that runs this while processes start is safe.
 */
export async function migrateTarget(url: string, opts: { vectorIndex?: IndexInfo | null } = {}): Promise<MigrateResult> {
  const pg = openPostgres(url, { max: 2 });
  try {
    return await pg.exclusive(async ({ orm, sql }) => {
      const before = await appliedHashes(sql);
      await applyMigrations(orm);
      const applied = (await appliedHashes(sql)).size - before.size;
      if (opts.vectorIndex === null) return { applied, vectors: 'skipped' };
      if (!(await hasPgvector(sql))) return { applied, vectors: 'no-pgvector' };
      if (opts.vectorIndex) await new PgVectorStore(sql).ensure(opts.vectorIndex);
      return { applied, vectors: 'ready' };
    });
  } finally {
    await pg.close();
  }
}

/** The stores of an ingest into `url`: its schema must be current and it must have pgvector. */
export async function openPostgresStores(url: string, vectorOptions?: PgVectorOptions, opts: { needPgvector?: boolean; sealing?: Sealing } = {}): Promise<PostgresStores> {
  const pg = openPostgres(url, { sealing: opts.sealing });
  try {
    const applied = await appliedHashes(pg.sql);
    const pending = readMigrationFiles({ migrationsFolder }).filter((m) => !applied.has(m.hash)).length;
    if (pending > 0) {
      throw new TargetDatabaseError(
        `the database schema is ${applied.size === 0 ? 'not there' : `${pending} migration(s) behind`}; run: npm run db:migrate -- --target <url>`,
      );
    }
    // With Qdrant holding the vectors, a server without pgvector is fine for the rest.
    if (opts.needPgvector !== false && !(await hasPgvector(pg.sql))) throw new TargetDatabaseError(NO_PGVECTOR);
    return { db: pg.db, vectors: new PgVectorStore(pg.sql, vectorOptions), close: pg.close };
  } catch (err) {
    await pg.close();
    throw err;
  }
}

async function appliedHashes(sql: SqlClient): Promise<Set<string>> {
  const { rows } = await sql.query<{ t: string | null }>(`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t`);
  if (!rows[0].t) return new Set();
  const res = await sql.query<{ hash: string }>('SELECT hash FROM drizzle.__drizzle_migrations');
  return new Set(res.rows.map((r) => r.hash));
}
