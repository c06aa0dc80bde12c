import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, TicketRow } from '../../../core/ports';
import { feedback, tickets } from '../schema';
import type { Orm } from './orm';

const ticketColumns = {
  id: tickets.id,
  siteId: tickets.siteId,
  conversationId: tickets.conversationId,
  status: tickets.status,
  reason: tickets.reason,
  createdAt: tickets.createdAt,
};

export function ticketsRepo(db: Orm): Db['tickets'] {
  const openFor = async (conversationId: string): Promise<TicketRow | null> => {
    const [row] = await db
      .select(ticketColumns)
      .from(tickets)
      .where(and(eq(tickets.conversationId, conversationId), inArray(tickets.status, ['open', 'pending'])))
      .orderBy(desc(tickets.createdAt))
      .limit(1);
    return row ?? null;
  };
  return {
    openFor,
    async ofConversation(conversationId) {
      return db.select(ticketColumns).from(tickets).where(eq(tickets.conversationId, conversationId)).orderBy(asc(tickets.createdAt));
    },
    async open(row) {
      // The partial unique index allows one live ticket per conversation: a second request
      // (a double click, two tabs) gets the ticket already open instead of a duplicate.
      const [created] = await db
        .insert(tickets)
        .values({ id: row.id, siteId: row.siteId, conversationId: row.conversationId, reason: row.reason })
        .onConflictDoNothing()
        .returning(ticketColumns);
      if (created) return created;
      const live = await openFor(row.conversationId);
      if (!live) throw new Error(`ticket ${row.id} already exists`);
      return live;
    },
  };
}

export function feedbackRepo(db: Orm): Db['feedback'] {
  return {
    async add(row) {
      // One rating per answer: changing one's mind replaces the earlier rating.
      await db
        .insert(feedback)
        .values(row)
        .onConflictDoUpdate({
          target: [feedback.conversationId, feedback.answerId],
          set: { rating: row.rating, comment: row.comment, createdAt: sql`now()` },
        });
    },
    async ofConversation(conversationId) {
      return db
        .select({ answerId: feedback.answerId, rating: feedback.rating, comment: feedback.comment, createdAt: feedback.createdAt })
        .from(feedback)
        .where(eq(feedback.conversationId, conversationId))
        .orderBy(asc(feedback.createdAt));
    },
  };
}
