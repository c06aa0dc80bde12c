/**
 * A site's rows, table by table, as JSON-safe objects, and back: what `npm run backup` writes
 * and `npm run restore` reads. Rows are copied as stored, so sealed visitor text stays sealed
 * (restoring needs the same DATA_ENCRYPTION_KEY). Vectors are not rows here: the restoring
 * server embeds the chunks again with its own embedder. Generated columns (full-text vectors)
 * are recomputed on insert, and the messages' insertion counter is renumbered in order.
 */
import { asc, eq, getTableColumns, inArray } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import * as s from '../schema';
import { batches, type Orm } from './orm';

/** Parents before children, as the foreign keys need them on restore. */
export const BACKUP_TABLES = {
  sites: s.sites,
  ticket_numbers: s.ticketNumbers,
  agents: s.agents,
  intent_models: s.intentModels,
  conversations: s.conversations,
  messages: s.messages,
  tickets: s.tickets,
  feedback: s.feedback,
  documents: s.documents,
  chunks: s.chunks,
  ingested_files: s.ingestedFiles,
  products: s.products,
  orders: s.orders,
  audit_log: s.auditLog,
} as const satisfies Record<string, PgTable>;

export type BackupTable = keyof typeof BACKUP_TABLES;
export type BackupRows = Record<BackupTable, Record<string, unknown>[]>;

/** Columns the database fills itself (generated, serial): left out of a backup's inserts. */
const SKIPPED = (column: { generated?: unknown; columnType: string }) => Boolean(column.generated) || column.columnType === 'PgBigSerial53';

/** `restored()` hears of every restore, for what is kept of conversations in memory. */
export function backupRepo(db: Orm, restored: () => void = () => {}) {
  return {
    /** Every row the site owns, by table; empty tables for a site that does not exist. */
    async dump(siteId: string): Promise<BackupRows> {
      const out = {} as BackupRows;
      const convIds = (await db.select({ id: s.conversations.id }).from(s.conversations).where(eq(s.conversations.siteId, siteId))).map((r) => r.id);
      for (const [name, table] of Object.entries(BACKUP_TABLES) as [BackupTable, PgTable][]) {
        const cols = getTableColumns(table) as Record<string, PgColumn>;
        let rows: Record<string, unknown>[];
        if (name === 'sites') rows = await db.select().from(table).where(eq(s.sites.id, siteId));
        else if (cols.siteId) rows = await db.select().from(table).where(eq(cols.siteId, siteId));
        else if (!convIds.length) rows = [];
        else {
          rows = [];
          const ordered = name === 'messages' ? [asc(s.messages.n)] : [];
          for (const part of batches(convIds)) rows.push(...(await db.select().from(table).where(inArray(cols.conversationId!, part)).orderBy(...ordered)));
        }
        out[name] = rows.map(toJson);
      }
      return out;
    },

    /** Writes a dump into a database where the site does not exist yet, in one transaction. */
    async restore(rows: Partial<BackupRows>): Promise<Record<BackupTable, number>> {
      const counts = {} as Record<BackupTable, number>;
      await db.transaction(async (tx) => {
        for (const [name, table] of Object.entries(BACKUP_TABLES) as [BackupTable, PgTable][]) {
          const given = rows[name] ?? [];
          counts[name] = given.length;
          if (!given.length) continue;
          const cols = getTableColumns(table) as Record<string, { generated?: unknown; columnType: string; dataType: string }>;
          const values = given.map((r) => fromJson(r, cols));
          for (const part of batches(values, 200)) await tx.insert(table).values(part as never);
        }
      }).finally(restored);
      return counts;
    },
  };
}

function toJson(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

function fromJson(row: Record<string, unknown>, cols: Record<string, { generated?: unknown; columnType: string; dataType: string }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, col] of Object.entries(cols)) {
    if (SKIPPED(col) || !(key in row)) continue;
    const v = row[key];
    out[key] = col.dataType === 'date' && typeof v === 'string' ? new Date(v) : v;
  }
  return out;
}
