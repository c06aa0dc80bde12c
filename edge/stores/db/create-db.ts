/**
 * The `Db` port over any drizzle Postgres database. Only the query builder is used (never
 * driver-specific result shapes), so PGlite, node-postgres and Neon all serve it unchanged.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../core/ports';
import { auditRepo } from './repos/audit';
import { ordersRepo, productsRepo } from './repos/commerce';
import { chunksRepo, documentsRepo } from './repos/content';
import { conversationsRepo, messagesRepo } from './repos/conversations';
import type { Orm } from './repos/orm';
import { sitesRepo } from './repos/sites';
import { textSearcher } from './repos/text-search';
import { feedbackRepo, ticketsRepo } from './repos/tickets';

export type { Orm } from './repos/orm';

/** `inMemoryText`: the database is this process's own (PGlite), so full text may be indexed in memory. */
export function createDb(db: Orm, close: () => Promise<void>, opts: { inMemoryText?: boolean } = {}): Db {
  const text = textSearcher(db, { inMemory: opts.inMemoryText });
  return {
    async ping() {
      await db.execute(sql`select 1`);
    },
    sites: sitesRepo(db),
    conversations: conversationsRepo(db),
    messages: messagesRepo(db),
    tickets: ticketsRepo(db),
    feedback: feedbackRepo(db),
    audit: auditRepo(db),
    documents: documentsRepo(db, (siteId) => text.invalidate(siteId)),
    chunks: chunksRepo(db, text),
    products: productsRepo(db),
    orders: ordersRepo(db),
    close,
  };
}
