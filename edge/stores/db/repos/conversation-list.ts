/**
 * Conversations as the admin API lists them: newest first, filtered, a page at a time, each
 * with its message count, intents, feedback, whether it has a ticket and the visitor's first
 * question (opened here: sealed at rest, plain above the port). One query: the per-row figures
 * are correlated subqueries, so a page costs the same whatever the filters.
 */
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { IntentName } from '@support-chat/protocol';
import type { ConversationFilter, ConversationSummary } from '../../../core/ports';
import { conversations, feedback, messages, tickets } from '../schema';
import { aad, type Sealing } from '../sealing';
import type { Orm } from './orm';

/** Creation time at the precision a cursor carries (JS dates hold milliseconds, Postgres micro). */
const createdMs = sql`date_trunc('milliseconds', ${conversations.createdAt})`;
/** The outer row's id, qualified: drizzle leaves a one-table select's columns bare, which a subquery's own `id` would capture. */
const cid = sql`${conversations}.id`;
const hasTicket = sql<boolean>`exists (select 1 from ${tickets} t where t.conversation_id = ${cid})`;

export async function listConversations(db: Orm, { cipher }: Sealing, f: ConversationFilter): Promise<ConversationSummary[]> {
  const where: SQL[] = [];
  if (f.siteId !== undefined) where.push(eq(conversations.siteId, f.siteId));
  if (f.from) where.push(gte(conversations.createdAt, f.from));
  if (f.to) where.push(lt(conversations.createdAt, f.to));
  if (f.intent) where.push(sql`exists (select 1 from ${messages} m where m.conversation_id = ${cid} and m.intent = ${f.intent})`);
  if (f.handoff !== undefined) where.push(f.handoff ? hasTicket : sql`not ${hasTicket}`);
  if (f.feedback) where.push(sql`exists (select 1 from ${feedback} r where r.conversation_id = ${cid} and r.rating = ${f.feedback})`);
  if (f.after) where.push(sql`(${createdMs}, ${cid}) < (${String(f.after.key)}::timestamptz, ${f.after.id})`);
  const rows = await db
    .select({
      id: conversations.id,
      siteId: conversations.siteId,
      createdAt: conversations.createdAt,
      updatedAt: conversations.updatedAt,
      messages: sql<number>`(select count(*) from ${messages} m where m.conversation_id = ${cid})::int`,
      first: sql<{ id: string; text: string } | null>`(select jsonb_build_object('id', m.id, 'text', m.text) from ${messages} m
        where m.conversation_id = ${cid} and m.role = 'user' order by m.n limit 1)`,
      intents: sql<IntentName[]>`(select coalesce(jsonb_agg(distinct m.intent), '[]'::jsonb) from ${messages} m
        where m.conversation_id = ${cid} and m.intent is not null)`,
      hasTicket,
      up: sql<number>`(select count(*) from ${feedback} r where r.conversation_id = ${cid} and r.rating = 'up')::int`,
      down: sql<number>`(select count(*) from ${feedback} r where r.conversation_id = ${cid} and r.rating = 'down')::int`,
    })
    .from(conversations)
    .where(and(...where))
    .orderBy(desc(createdMs), desc(conversations.id))
    .limit(f.limit);
  return Promise.all(
    rows.map(async ({ first, up, down, ...r }) => ({
      ...r,
      messages: Number(r.messages),
      intents: (typeof r.intents === 'string' ? JSON.parse(r.intents) : (r.intents ?? [])) as IntentName[],
      hasTicket: r.hasTicket === true || (r.hasTicket as unknown) === 't',
      firstQuestion: await opened(cipher, first),
      feedback: { up: Number(up), down: Number(down) },
    })),
  );
}

async function opened(cipher: Sealing['cipher'], raw: unknown): Promise<string | null> {
  const m = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { id: string; text: string } | null;
  if (!m) return null;
  try {
    return await cipher.open(m.text, aad.message(m.id));
  } catch {
    // Sealed under a key no longer held: the list shows the row without it.
    return null;
  }
}
