/**
 * Applies the drizzle-kit migrations to a PGlite database. Node-only (the migrator reads the
 * SQL files from disk); other drivers use their own drizzle migrator over the same folder.
 */
import { fileURLToPath } from 'node:url';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';

/** The folder drizzle-kit writes to (see drizzle.config.ts). */
export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export async function migratePglite(db: PgliteDatabase<Record<string, unknown>>): Promise<void> {
  await migrate(db, { migrationsFolder });
}
