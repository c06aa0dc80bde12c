import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, TicketRow } from '../../../core/ports';
import { feedback, tickets } from '../schema';
import { aad, openNullable, PLAIN, sealNullable, type Sealing } from '../sealing';
import type { Orm } from './orm';

const ticketColumns = {
  id: tickets.id,
  siteId: tickets.siteId,
  conversationId: tickets.conversationId,
  status: tickets.status,
  reason: tickets.reason,
  createdAt: tickets.createdAt,
};

export function ticketsRepo(db: Orm, { cipher }: Sealing = PLAIN): Db['tickets'] {
  const opened = async (row: TicketRow): Promise<TicketRow> => ({ ...row, reason: await openNullable(cipher, row.reason, aad.ticket(row.id)) });
  const openFor = async (conversationId: string): Promise<TicketRow | null> => {
    const [row] = await db
      .select(ticketColumns)
      .from(tickets)
      .where(and(eq(tickets.conversationId, conversationId), inArray(tickets.status, ['open', 'pending'])))
      .orderBy(desc(tickets.createdAt))
      .limit(1);
    return row ? opened(row) : null;
  };
  return {
    openFor,
    async ofConversation(conversationId) {
      const rows = await db.select(ticketColumns).from(tickets).where(eq(tickets.conversationId, conversationId)).orderBy(asc(tickets.createdAt));
      return Promise.all(rows.map(opened));
    },
    async open(row) {
      // The partial unique index allows one live ticket per conversation: a second request
      // (a double click, two tabs) gets the ticket already open instead of a duplicate.
      const [created] = await db
        .insert(tickets)
        .values({ id: row.id, siteId: row.siteId, conversationId: row.conversationId, reason: await sealNullable(cipher, row.reason, aad.ticket(row.id)) })
        .onConflictDoNothing()
        .returning(ticketColumns);
      if (created) return { ...created, reason: row.reason };
      const live = await openFor(row.conversationId);
      if (!live) throw new Error(`ticket ${row.id} already exists`);
      return live;
    },
  };
}

export function feedbackRepo(db: Orm, { cipher }: Sealing = PLAIN): Db['feedback'] {
  return {
    async add(row) {
      const comment = await sealNullable(cipher, row.comment, aad.feedback(row.conversationId, row.answerId));
      // One rating per answer: changing one's mind replaces the earlier rating.
      await db
        .insert(feedback)
        .values({ ...row, comment })
        .onConflictDoUpdate({
          target: [feedback.conversationId, feedback.answerId],
          set: { rating: row.rating, comment, createdAt: sql`now()` },
        });
    },
    async ofConversation(conversationId) {
      const rows = await db
        .select({ answerId: feedback.answerId, rating: feedback.rating, comment: feedback.comment, createdAt: feedback.createdAt })
        .from(feedback)
        .where(eq(feedback.conversationId, conversationId))
        .orderBy(asc(feedback.createdAt));
      return Promise.all(rows.map(async (r) => ({ ...r, comment: await openNullable(cipher, r.comment, aad.feedback(conversationId, r.answerId)) })));
    },
  };
}
