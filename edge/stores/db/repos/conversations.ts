import { and, asc, eq, lt, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { ConversationRow, Db } from '../../../core/ports';
import { conversations } from '../schema';
import { PLAIN, type Sealing } from '../sealing';
import { listConversations } from './conversation-list';
import type { ConversationMemory } from './conversation-memory';
import { ONCE, type Orm } from './orm';
import { forgetDeliveriesOf } from './webhooks';

const conversationColumns = {
  id: conversations.id,
  siteId: conversations.siteId,
  lastSeq: conversations.lastSeq,
  locale: conversations.locale,
  resumeHash: conversations.resumeHash,
  createdAt: conversations.createdAt,
};

/** The conversation's seq checkpoint raised to `seq`, never lowered: writes from overlapping turns may land out of order. */
export function raiseLastSeq(db: Orm, id: SQL | Placeholder, seq: SQL | Placeholder) {
  return db
    .update(conversations)
    .set({ lastSeq: sql`greatest(${conversations.lastSeq}, ${seq}::int)`, updatedAt: sql`now()` })
    .where(eq(conversations.id, id));
}

export function conversationsRepo(db: Orm, sealing: Sealing = PLAIN, memory: ConversationMemory | null = null): Db['conversations'] {
  const get = async (id: string): Promise<ConversationRow | null> => {
    const [row] = await db.select(conversationColumns).from(conversations).where(eq(conversations.id, id)).limit(1);
    return row ?? null;
  };
  const lastSeq = raiseLastSeq(db, sql.placeholder('id'), sql.placeholder('seq')).prepare(ONCE);
  return {
    get,
    async create(row) {
      const [created] = await db
        .insert(conversations)
        .values({ id: row.id, siteId: row.siteId, locale: row.locale ?? null, resumeHash: row.resumeHash ?? null })
        .onConflictDoNothing()
        .returning(conversationColumns);
      if (created) return created;
      // Already there (a retried create): hand it back, but never across sites.
      const existing = await get(row.id);
      if (!existing || existing.siteId !== row.siteId) {
        throw new Error(`conversation ${row.id} already exists for another site`);
      }
      return existing;
    },
    async idleSince(before, limit, siteId) {
      const idle = lt(conversations.updatedAt, before);
      return db
        .select({ id: conversations.id, siteId: conversations.siteId })
        .from(conversations)
        .where(siteId === undefined ? idle : and(idle, eq(conversations.siteId, siteId)))
        .orderBy(asc(conversations.updatedAt))
        .limit(limit);
    },
    list: (filter) => listConversations(db, sealing, filter),
    async delete(id) {
      // Webhook deliveries quote the conversation but hold no foreign key to it: erased with it.
      await forgetDeliveriesOf(db, id);
      await db.delete(conversations).where(eq(conversations.id, id)).finally(() => memory?.forget(id));
    },
    async setLastSeq(id, seq) {
      await lastSeq.execute({ id, seq });
    },
  };
}
