import { and, asc, eq, sql } from 'drizzle-orm';
import type { ConversationRow, Db, MessageRow } from '../../../core/ports';
import { conversations, messages } from '../schema';
import type { Orm } from './orm';

const conversationColumns = {
  id: conversations.id,
  siteId: conversations.siteId,
  lastSeq: conversations.lastSeq,
  locale: conversations.locale,
  createdAt: conversations.createdAt,
};

const messageColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  role: messages.role,
  clientId: messages.clientId,
  replyTo: messages.replyTo,
  text: messages.text,
  intent: messages.intent,
  citations: messages.citations,
  confidence: messages.confidence,
  createdAt: messages.createdAt,
};

export function conversationsRepo(db: Orm): Db['conversations'] {
  const get = async (id: string): Promise<ConversationRow | null> => {
    const [row] = await db.select(conversationColumns).from(conversations).where(eq(conversations.id, id)).limit(1);
    return row ?? null;
  };
  return {
    get,
    async create(row) {
      const [created] = await db
        .insert(conversations)
        .values({ id: row.id, siteId: row.siteId, locale: row.locale ?? null })
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
    async setLastSeq(id, seq) {
      // Never backwards: writes from overlapping turns may land out of order.
      await db
        .update(conversations)
        .set({ lastSeq: sql`greatest(${conversations.lastSeq}, ${seq})`, updatedAt: sql`now()` })
        .where(eq(conversations.id, id));
    },
  };
}

export function messagesRepo(db: Orm): Db['messages'] {
  return {
    async add(row) {
      // Idempotent: a retried message (same conversation, role and client id) is kept once.
      await db
        .insert(messages)
        .values({
          id: row.id,
          conversationId: row.conversationId,
          role: row.role,
          clientId: row.clientId,
          replyTo: row.replyTo,
          text: row.text,
          intent: row.intent,
          citations: row.citations,
          confidence: row.confidence,
          ...(row.createdAt ? { createdAt: row.createdAt } : {}),
        })
        .onConflictDoNothing();
    },
    async list(conversationId) {
      return db
        .select(messageColumns)
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(asc(messages.createdAt), asc(messages.n)) as Promise<MessageRow[]>;
    },
    async findByClientId(conversationId, clientId) {
      const [row] = await db
        .select(messageColumns)
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), eq(messages.clientId, clientId)))
        .orderBy(asc(messages.n))
        .limit(1);
      return (row as MessageRow | undefined) ?? null;
    },
  };
}
