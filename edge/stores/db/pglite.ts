/**
 * The embedded database: Postgres in WASM with pgvector, file-backed or in memory, migrated on
 * open so a fresh directory and a reopened one behave the same.
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle } from 'drizzle-orm/pglite';
import type { Db } from '../../core/ports';
import { createDb } from './create-db';
import { migratePglite } from './migrate';

export interface OpenedPglite {
  pg: PGlite;
  db: Db;
}

/** Opens (creating if needed) the database in `dataDir`, or an in-memory one when null. */
export async function openPglite(dataDir: string | null): Promise<OpenedPglite> {
  const pg = await PGlite.create({
    ...(dataDir === null ? {} : { dataDir }),
    extensions: { vector },
  });
  try {
    const orm = drizzle(pg);
    await migratePglite(orm);
    const db = createDb(orm, () => (pg.closed ? Promise.resolve() : pg.close()));
    return { pg, db };
  } catch (err) {
    await pg.close().catch(() => {});
    throw err;
  }
}
