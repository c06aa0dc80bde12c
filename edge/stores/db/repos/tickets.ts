import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, QueuedTicket, TicketRow } from '../../../core/ports';
import { agents, feedback, messages, ticketNumbers, tickets } from '../schema';
import { aad, openNullable, PLAIN, sealNullable, type Sealing } from '../sealing';
import { BoundedMap } from '../../../core/bounded-map';
import { ONCE, type Orm } from './orm';

/** The first number a site's tickets get: "#1001" reads as a ticket, "#1" as a typo. */
const FIRST_NUMBER = 1001;
const LIVE = ['open', 'pending'] as const;

const ticketColumns = {
  id: tickets.id,
  siteId: tickets.siteId,
  conversationId: tickets.conversationId,
  number: tickets.number,
  status: tickets.status,
  priority: tickets.priority,
  reason: tickets.reason,
  assigneeId: tickets.assignedAgentId,
  assigneeName: agents.name,
  contactEmail: tickets.contactEmail,
  closedAt: tickets.closedAt,
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
};

type Stored = {
  id: string;
  siteId: string;
  conversationId: string;
  number: number | null;
  status: TicketRow['status'];
  priority: TicketRow['priority'];
  reason: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  contactEmail: string | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

/** Queue order: high priority first, then the longest waiting; ms precision, as cursors carry it. */
const rank = sql<number>`(case when ${tickets.priority} = 'high' then 0 else 1 end)`;
const createdMs = sql`date_trunc('milliseconds', ${tickets.createdAt})`;
const closedMs = sql`date_trunc('milliseconds', coalesce(${tickets.closedAt}, ${tickets.updatedAt}))`;

/** One message of the conversation as `{id, text}` (its text may be sealed), for the queue's columns. */
const oneMessage = (role: 'user' | 'assistant', order: 'asc' | 'desc') =>
  sql<{ id: string; text: string } | null>`(select jsonb_build_object('id', m.id, 'text', m.text) from ${messages} m
    where m.conversation_id = ${tickets.conversationId} and m.role = ${role}
    order by m.n ${sql.raw(order)} limit 1)`;

/** Conversations remembered as having no live ticket: far above the conversations live at once. */
const REMEMBERED_QUIET = 10_000;

export function ticketsRepo(db: Orm, sealing: Sealing = PLAIN, opts: { own?: boolean } = {}): Db['tickets'] {
  const { cipher } = sealing;
  // Every visitor message asks whether a person holds the conversation; nearly always none does.
  // On a database this process owns, only `open` below makes a ticket live (assigning or closing
  // never revives one), so "none" is remembered until the next `open`. `opens` counts them:
  // a "none" read while one ran may predate its commit, so it is not kept.
  const quiet = opts.own ? new BoundedMap<string, true>(REMEMBERED_QUIET) : null;
  let opens = 0;
  const opened = async ({ assigneeId, assigneeName, number, ...row }: Stored): Promise<TicketRow> => ({
    ...row,
    number: number ?? 0,
    assignee: assigneeId ? { id: assigneeId, name: assigneeName ?? '' } : null,
    reason: await openNullable(cipher, row.reason, aad.ticket(row.id)),
    contactEmail: await openNullable(cipher, row.contactEmail, aad.ticketContact(row.id)),
  });
  const select = () => db.select(ticketColumns).from(tickets).leftJoin(agents, eq(agents.id, tickets.assignedAgentId));
  const one = async (where: SQL | undefined): Promise<TicketRow | null> => {
    const [row] = await select().where(where).orderBy(desc(tickets.createdAt)).limit(1);
    return row ? opened(row as Stored) : null;
  };
  const get = (id: string) => one(eq(tickets.id, id));
  // Asked for every visitor message: built once.
  const liveOf = select()
    .where(and(eq(tickets.conversationId, sql.placeholder('conversationId')), inArray(tickets.status, [...LIVE])))
    .orderBy(desc(tickets.createdAt))
    .limit(1)
    .prepare(ONCE);
  const liveFor = async (conversationId: string) => {
    const [row] = await liveOf.execute({ conversationId });
    return row ? opened(row as Stored) : null;
  };
  const openFor = async (conversationId: string): Promise<TicketRow | null> => {
    if (quiet?.has(conversationId)) return null;
    const before = opens;
    const live = await liveFor(conversationId);
    if (!live && quiet && opens === before) {
      quiet.set(conversationId, true);
    }
    return live;
  };
  const peek = async (raw: unknown): Promise<string | null> => {
    const m = raw as { id: string; text: string } | null;
    if (!m) return null;
    try {
      return await cipher.open(m.text, aad.message(m.id));
    } catch {
      // A value sealed under a key no longer held: the queue shows the row without it.
      return null;
    }
  };

  return {
    get,
    openFor,
    async ofConversation(conversationId) {
      const rows = await select().where(eq(tickets.conversationId, conversationId)).orderBy(asc(tickets.createdAt));
      return Promise.all(rows.map((r) => opened(r as Stored)));
    },
    async open(row) {
      opens++;
      quiet?.delete(row.conversationId);
      const live = await liveFor(row.conversationId);
      if (live) return live;
      const reason = await sealNullable(cipher, row.reason, aad.ticket(row.id));
      const created = await db.transaction(async (tx) => {
        // One counter row per site, bumped in the same transaction: two handoffs never share a
        // number, and a ticket that loses the race below gives its number back with the rollback.
        const [n] = await tx
          .insert(ticketNumbers)
          .values({ siteId: row.siteId, last: FIRST_NUMBER })
          .onConflictDoUpdate({ target: ticketNumbers.siteId, set: { last: sql`${ticketNumbers.last} + 1` } })
          .returning({ last: ticketNumbers.last });
        // The partial unique index allows one live ticket per conversation: a second request
        // (a double click, two tabs) gets the ticket already open instead of a duplicate.
        const [made] = await tx
          .insert(tickets)
          .values({ id: row.id, siteId: row.siteId, conversationId: row.conversationId, reason, number: n!.last, priority: row.priority ?? 'normal' })
          .onConflictDoNothing()
          .returning({ id: tickets.id });
        if (!made) tx.rollback();
        return made;
      }).catch((err: unknown) => {
        if (err instanceof Error && err.name === 'TransactionRollbackError') return undefined;
        throw err;
      });
      opens++;
      quiet?.delete(row.conversationId);
      if (created) return (await get(row.id))!;
      const raced = await liveFor(row.conversationId);
      if (!raced) throw new Error(`ticket ${row.id} already exists`);
      return raced;
    },
    async list(q) {
      const conditions: SQL[] = [q.state === 'live' ? inArray(tickets.status, [...LIVE]) : eq(tickets.status, 'closed')];
      if (q.siteId !== undefined) conditions.push(eq(tickets.siteId, q.siteId));
      if (q.after) {
        if (q.state === 'live') {
          const [r, at] = String(q.after.key).split('|');
          conditions.push(sql`(${rank}, ${createdMs}, ${tickets.id}) > (${Number(r)}, ${at}::timestamptz, ${q.after.id})`);
        } else {
          conditions.push(sql`(${closedMs}, ${tickets.id}) < (${String(q.after.key)}::timestamptz, ${q.after.id})`);
        }
      }
      const order = q.state === 'live' ? [asc(rank), asc(createdMs), asc(tickets.id)] : [desc(closedMs), desc(tickets.id)];
      const rows = await db
        .select({ ...ticketColumns, first: oneMessage('user', 'asc'), last: oneMessage('assistant', 'desc') })
        .from(tickets)
        .leftJoin(agents, eq(agents.id, tickets.assignedAgentId))
        .where(and(...conditions))
        .orderBy(...order)
        .limit(q.limit);
      return Promise.all(
        rows.map(async ({ first, last, ...r }): Promise<QueuedTicket> => ({
          ...(await opened(r as Stored)),
          firstQuestion: await peek(first),
          lastAnswer: await peek(last),
        })),
      );
    },
    async assign(id, agentId, opts = {}) {
      const live = and(eq(tickets.id, id), inArray(tickets.status, [...LIVE]));
      // Taking a ticket someone else holds needs `force`: two agents never answer one visitor unknowingly.
      const free = opts.force || agentId === null ? live : and(live, sql`(${tickets.assignedAgentId} is null or ${tickets.assignedAgentId} = ${agentId})`);
      const done = await db
        .update(tickets)
        .set({ assignedAgentId: agentId, updatedAt: sql`now()` })
        .where(and(free, sql`${tickets.assignedAgentId} is distinct from ${agentId}`))
        .returning({ id: tickets.id });
      return { ticket: await get(id), changed: done.length > 0 };
    },
    async close(id, at) {
      const done = await db
        .update(tickets)
        .set({ status: 'closed', closedAt: at, updatedAt: sql`now()` })
        .where(and(eq(tickets.id, id), inArray(tickets.status, [...LIVE])))
        .returning({ id: tickets.id });
      return done.length > 0 ? get(id) : null;
    },
    async setContact(id, email) {
      await db
        .update(tickets)
        .set({ contactEmail: await cipher.seal(email, aad.ticketContact(id)), updatedAt: sql`now()` })
        .where(eq(tickets.id, id));
    },
    async touch(id) {
      await db.update(tickets).set({ updatedAt: sql`now()` }).where(eq(tickets.id, id));
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
