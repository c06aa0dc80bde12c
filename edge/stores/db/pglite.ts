/**
 * The embedded database: Postgres in WASM with pgvector, file-backed or in memory, migrated on
 * open so a fresh directory and a reopened one behave the same.
 */
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle } from 'drizzle-orm/pglite';
import type { Db } from '../../core/ports';
import { createDb, type CreateDbOptions } from './create-db';
import { migratePglite } from './migrate';
import { PgliteThread, type PgliteClient } from './pglite-thread';

export interface OpenedPglite {
  pg: PGlite;
  db: Db;
}

/**
 * drizzle reads dates and intervals as text and maps them itself, and asks PGlite so with a
 * `parsers` option on every query. PGlite merges that option into its parser table per query,
 * which cost a fifth of a millisecond each: the same parsers are set once, on the instance,
 * and the per-query copy is dropped.
 */
const AS_TEXT = (value: string) => value;
const DRIZZLE_PARSERS = { [types.TIMESTAMP]: AS_TEXT, [types.TIMESTAMPTZ]: AS_TEXT, [types.INTERVAL]: AS_TEXT, [types.DATE]: AS_TEXT };

/**
 * In memory, a file that Postgres extends with posix_fallocate is copied whole into a buffer of
 * exactly the new size, every time (Emscripten's MEMFS): loading 40k vectors took ~18 s, ~4 s
 * with zeros written instead (the buffer then grows geometrically). On disk fallocate is cheap.
 */
const IN_MEMORY_START = [...PGlite.defaultStartParams, '-c', 'file_extend_method=write_zeros'];

/** Opens (creating if needed) the database in `dataDir`, or an in-memory one when null; `sealing`: see create-db.ts. */
export async function openPglite(dataDir: string | null, opts: PgliteDbOptions = {}): Promise<OpenedPglite> {
  const pg = await PGlite.create({
    ...(dataDir === null ? { startParams: IN_MEMORY_START } : { dataDir }),
    extensions: { vector },
    parsers: DRIZZLE_PARSERS,
  });
  const query = pg.query.bind(pg);
  // Only drizzle's own (the four types above, read as text): any other parsers asked for apply.
  const drizzles = (parsers: object | undefined) => parsers !== undefined && Object.keys(parsers).every((oid) => oid in DRIZZLE_PARSERS);
  pg.query = ((sql, params, options) => query(sql, params, drizzles(options?.parsers) ? { ...options, parsers: undefined } : options)) as typeof pg.query;
  return { pg, db: await withDb(pg, opts) };
}

/**
 * The same database on a worker thread (pglite-thread.ts): the server's embedded default, so
 * the event loop serves sockets while Postgres works. The thread sets drizzle's parsers itself.
 */
export async function openPgliteThread(dataDir: string | null, opts: PgliteDbOptions = {}): Promise<{ pg: PgliteThread; db: Db }> {
  const pg = await PgliteThread.open(dataDir, IN_MEMORY_START);
  return { pg, db: await withDb(pg, opts) };
}

/** Migrated and wrapped in the repos; closed again when that fails. */
type PgliteDbOptions = Pick<CreateDbOptions, 'sealing' | 'chunksChanged'>;

async function withDb(pg: PgliteClient, opts: PgliteDbOptions): Promise<Db> {
  try {
    const orm = drizzle({ client: pg as PGlite });
    await migratePglite(orm);
    return createDb(orm, () => (pg.closed ? Promise.resolve() : pg.close()), { ...opts, own: true });
  } catch (err) {
    await pg.close().catch(() => {});
    throw err;
  }
}
