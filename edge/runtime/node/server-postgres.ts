/**
 * The Node server's stores on `POSTGRES_URL`: a pg pool whose waits are bounded, migrated at
 * start under the schema lock (so processes starting together all come up), with the vector
 * index in its pgvector when the vectors live there. A server it cannot reach, or that cannot
 * hold the vectors it must hold, stops the start with a one-line `StartupError`.
 */
import type { Db, IndexInfo, Logger } from '../../core/ports';
import type { Sealing } from '../../stores/db/create-db';
import { applyMigrations, DEFAULT_CONNECT_TIMEOUT_MS, hasPgvector, openPostgres, type OpenedPostgres } from '../../stores/db/postgres';
import { PgVectorStore } from '../../stores/vectors/pgvector';
import { StartupError } from './startup-error';

export interface ServerPostgresOptions {
  /** True when the vectors must live in this Postgres (no QDRANT_URL): pgvector is then required. */
  vectors: boolean;
  log: Logger;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
  sealing?: Sealing;
}

export interface ServerPostgres {
  db: Db;
  /** Unused (and never prepared) when the vectors live elsewhere. */
  vectors: PgVectorStore;
  pg: OpenedPostgres;
  close(): Promise<void>;
}

/** A chat request waits no longer than this on a database that stopped answering. */
export const SERVER_QUERY_TIMEOUT_MS = 15_000;

export async function openServerPostgres(url: string, opts: ServerPostgresOptions): Promise<ServerPostgres> {
  const { log } = opts;
  const where = hostOf(url);
  const pg = openPostgres(url, {
    connectTimeoutMs: opts.connectTimeoutMs,
    queryTimeoutMs: opts.queryTimeoutMs ?? SERVER_QUERY_TIMEOUT_MS,
    sealing: opts.sealing,
    onError: (err) => log.warn(`a PostgreSQL connection failed; it will be replaced: ${describePgError(err, url)}`, { stage: 'db' }),
  });
  try {
    try {
      await pg.pool.query('SELECT 1');
    } catch (err) {
      throw new StartupError('POSTGRES_URL', `cannot connect to ${where} (${describePgError(err, url, opts.connectTimeoutMs)})`);
    }
    await pg
      .exclusive(
        async ({ orm, sql }) => {
          if (opts.vectors && !(await hasPgvector(sql))) {
            const { rows } = await sql.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
            throw new StartupError('POSTGRES_URL', noPgvector(where, Math.floor(Number(rows[0].v) / 10_000)));
          }
          await applyMigrations(orm);
          if (opts.vectors) await sql.exec('CREATE EXTENSION IF NOT EXISTS vector');
        },
        () => log.info('waiting for another process to finish migrating the database', { stage: 'db' }),
      )
      .catch((err: unknown) => {
        if (err instanceof StartupError) throw err;
        throw new StartupError('POSTGRES_URL', `could not migrate the database at ${where}: ${describePgError(err, url)}`);
      });
  } catch (err) {
    await pg.close();
    throw err;
  }
  return { db: pg.db, vectors: new SchemaLockedPgVectorStore(pg), pg, close: pg.close };
}

export function noPgvector(where: string, major: number): string {
  return (
    `${where} has no pgvector extension: install it (e.g. the postgresql-${major}-pgvector package, then nothing ` +
    'else: the server creates the extension) or set QDRANT_URL to keep vectors in Qdrant'
  );
}

/** Its tables and indexes are created under the schema lock: two processes may prepare them at once. */
class SchemaLockedPgVectorStore extends PgVectorStore {
  constructor(private readonly pg: OpenedPostgres) {
    super(pg.sql);
  }

  override ensure(info: IndexInfo): Promise<void> {
    return this.pg.exclusive(() => super.ensure(info));
  }
}

/** `host:port` of a postgres:// URL: what a message may show (never the password). */
export function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || 5432}`;
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Postgres' own reason for a server-side refusal (wrong password, no such database), the
 * system's code for a network one (ECONNREFUSED, ENOTFOUND), in words for a timeout.
 */
export function describePgError(e: unknown, url?: string, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): string {
  type PgErr = { message?: string; code?: string; severity?: string; errors?: { code?: string; message: string }[]; cause?: unknown };
  let err = e as PgErr;
  // drizzle wraps the driver's error in one whose message is the whole failed query.
  if (err?.cause && (err.cause as PgErr).severity) err = err.cause as PgErr;
  let reason: string;
  if (err?.severity && err.message) reason = err.message;
  else if (/connection timeout|timeout expired/i.test(err?.message ?? '')) reason = `no answer within ${connectTimeoutMs / 1000} s`;
  else if (err?.code && /^E[A-Z]+$/.test(err.code)) reason = err.code;
  else if (err?.errors?.length) reason = err.errors.map((x) => x.code ?? x.message).join(', ');
  else reason = err?.message || err?.code || String(e);
  const password = url ? passwordOf(url) : '';
  if (password) reason = reason.split(password).join('***');
  return reason.replace(/\s+/g, ' ').trim();
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}
