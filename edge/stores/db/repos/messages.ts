/**
 * A conversation's messages: what turns write and read on every answer (inserts and reads built
 * once), the resend check, and the per-site sums the admin and the daily budget read.
 */
import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import type { Db, MessageRow, MessageUsage, SiteStats } from '../../../core/ports';
import { conversations, feedback, messages, tickets } from '../schema';
import { aad, PLAIN, type Sealing } from '../sealing';
import { BoundedMap } from '../../../core/bounded-map';
import { KEPT_LATEST, type ConversationMemory } from './conversation-memory';
import { raiseLastSeq } from './conversations';
import { ONCE, placeholders, type Orm } from './orm';

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
  agentId: messages.agentId,
  agentName: messages.agentName,
  llmModel: messages.llmModel,
  promptTokens: messages.promptTokens,
  completionTokens: messages.completionTokens,
  embeddingTokens: messages.embeddingTokens,
  costUsd: messages.costUsd,
  createdAt: messages.createdAt,
};

type StoredMessage = Omit<MessageRow, 'usage'> & {
  llmModel: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  embeddingTokens: number | null;
  costUsd: number | null;
};

function toMessage({ llmModel, promptTokens, completionTokens, embeddingTokens, costUsd, ...row }: StoredMessage): MessageRow {
  const metered = promptTokens !== null || completionTokens !== null || embeddingTokens !== null;
  const usage: MessageUsage | null = metered
    ? { model: llmModel, promptTokens: promptTokens ?? 0, completionTokens: completionTokens ?? 0, embeddingTokens: embeddingTokens ?? 0, costUsd }
    : null;
  return { ...row, usage };
}

/** The columns a message is written with, each bound by name (`createdAt` apart: it has a default). */
const INSERTED = [
  'id', 'conversationId', 'role', 'clientId', 'replyTo', 'text', 'intent', 'citations', 'confidence', 'agentId', 'agentName',
  'llmModel', 'promptTokens', 'completionTokens', 'embeddingTokens', 'costUsd',
] as const;

export function messagesRepo(db: Orm, sealing: Sealing = PLAIN, memory: ConversationMemory | null = null): Db['messages'] {
  const { cipher } = sealing;
  // Every visitor message is looked up by its client id first (a resend is answered once), and
  // nearly always it is new. On a database this process owns (`memory`), a conversation's ids,
  // read once, are kept current, and a new id costs no query.
  const idsOf = async (conversationId: string): Promise<ReadonlySet<string> | null> => {
    if (!memory) return null;
    return (
      memory.clientIds(conversationId) ??
      memory.read(
        conversationId,
        async () => new Set((await db.select({ clientId: messages.clientId }).from(messages).where(eq(messages.conversationId, conversationId))).map((r) => r.clientId)),
        (ids) => memory.keepIds(conversationId, ids),
      )
    );
  };
  // A conversation never changes site: remember a few, so the per-site choice costs no query per message.
  const sites = new BoundedMap<string, string>(1000);
  const siteOf = async (conversationId: string): Promise<string | null> => {
    const known = sites.get(conversationId);
    if (known !== undefined) return known;
    const [row] = await db.select({ siteId: conversations.siteId }).from(conversations).where(eq(conversations.id, conversationId)).limit(1);
    if (!row) return null;
    sites.set(conversationId, row.siteId);
    return row.siteId;
  };
  const stored = async (row: { id: string; conversationId: string; text: string }): Promise<string> => {
    if (cipher.currentKid === null || !sealing.sealMessages) return cipher.seal(row.text, aad.message(row.id));
    const siteId = await siteOf(row.conversationId);
    // An unknown conversation fails on its foreign key anyway; sealing errs on the safe side.
    return siteId === null || (await sealing.sealMessages(siteId)) ? cipher.seal(row.text, aad.message(row.id)) : cipher.keep(row.text);
  };
  const opened = async (row: StoredMessage): Promise<MessageRow> => toMessage({ ...row, text: await cipher.open(row.text, aad.message(row.id)) });
  // The inserts and the reads that every message runs: built once (drizzle builds the SQL anew
  // on each run of a query that is not prepared, a tenth of a server's time on PostgreSQL).
  const values = {
    ...placeholders(INSERTED),
    // A restored message keeps its time; a new one takes the database's clock, as every other row.
    createdAt: sql`coalesce(${sql.placeholder('createdAt')}::timestamptz, now())`,
  };
  const returned = { n: messages.n, createdAt: messages.createdAt };
  // Idempotent: a retried message (same conversation, role and client id) is kept once.
  const insert = db.insert(messages).values(values).onConflictDoNothing().returning(returned).prepare(ONCE);
  // An answer and its conversation's seq checkpoint in one statement: one round trip per turn fewer.
  const checkpoint = db.$with('checkpoint').as(raiseLastSeq(db, sql.placeholder('conversationId'), sql.placeholder('lastSeq')).returning({ id: conversations.id }));
  const insertCheckpointed = db.with(checkpoint).insert(messages).values(values).onConflictDoNothing().returning(returned).prepare(ONCE);
  const latest = db
    .select({ ...messageColumns, n: messages.n })
    .from(messages)
    .where(eq(messages.conversationId, sql.placeholder('conversationId')))
    .orderBy(desc(messages.createdAt), desc(messages.n))
    .limit(sql.placeholder('limit'))
    .prepare(ONCE);
  // Every message not known to be new is looked up (the resend check): built once too.
  const byClientId = db
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.conversationId, sql.placeholder('conversationId')), eq(messages.clientId, sql.placeholder('clientId'))))
    .orderBy(asc(messages.n))
    .limit(1)
    .prepare(ONCE);
  /** The conversation's last `limit` messages, oldest first, each with its insertion number. */
  const latestOf = async (conversationId: string, limit: number) =>
    Promise.all((await latest.execute({ conversationId, limit })).reverse().map(async ({ n, ...row }) => ({ row: await opened(row as StoredMessage), n })));
  return {
    async add(row, opts = {}) {
      const usage = row.usage ?? null;
      memory?.adding(row.conversationId);
      const [written] = await (opts.lastSeq === undefined ? insert : insertCheckpointed).execute({
        id: row.id,
        conversationId: row.conversationId,
        role: row.role,
        clientId: row.clientId,
        replyTo: row.replyTo,
        text: await stored(row),
        intent: row.intent,
        citations: row.citations,
        confidence: row.confidence,
        agentId: row.agentId ?? null,
        agentName: row.agentName ?? null,
        llmModel: usage?.model ?? null,
        promptTokens: usage?.promptTokens ?? null,
        completionTokens: usage?.completionTokens ?? null,
        embeddingTokens: usage?.embeddingTokens ?? null,
        costUsd: usage?.costUsd ?? null,
        createdAt: row.createdAt?.toISOString() ?? null,
        lastSeq: opts.lastSeq ?? null,
      } satisfies Record<(typeof INSERTED)[number] | 'createdAt' | 'lastSeq', unknown>);
      // Nothing written: a resend of a message the database has (and memory with it).
      if (written && memory) {
        const { usage: _, createdAt: __, ...fields } = row;
        memory.added({ row: { ...fields, agentId: row.agentId ?? null, agentName: row.agentName ?? null, usage, createdAt: written.createdAt }, n: written.n });
      }
    },
    async list(conversationId) {
      const rows = await db
        .select(messageColumns)
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(asc(messages.createdAt), asc(messages.n));
      return Promise.all((rows as StoredMessage[]).map(opened));
    },
    async recent(conversationId, limit) {
      // `slice(-0)` would be every message: none were asked for.
      if (limit <= 0) return [];
      const kept = memory?.recent(conversationId, limit);
      if (kept) return kept;
      // Memory keeps KEPT_LATEST: a turn's history is read once at that length, then kept current.
      const read =
        !memory || limit > KEPT_LATEST
          ? await latestOf(conversationId, limit)
          : await memory.read(conversationId, () => latestOf(conversationId, KEPT_LATEST), (kept) => memory.keepLatest(conversationId, kept, KEPT_LATEST));
      return read.slice(-limit).map((m) => m.row);
    },
    async findByClientId(conversationId, clientId) {
      const ids = await idsOf(conversationId);
      if (ids && !ids.has(clientId)) return null;
      const [row] = await byClientId.execute({ conversationId, clientId });
      return row ? opened(row as StoredMessage) : null;
    },
    async spendSince(siteId, since) {
      const [row] = await db
        .select({
          tokens: sql<number>`coalesce(sum(coalesce(${messages.promptTokens}, 0) + coalesce(${messages.completionTokens}, 0) + coalesce(${messages.embeddingTokens}, 0)), 0)::float8`,
          costUsd: sql<number>`coalesce(sum(${messages.costUsd}), 0)::float8`,
        })
        .from(messages)
        .innerJoin(conversations, eq(messages.conversationId, conversations.id))
        .where(and(eq(conversations.siteId, siteId), eq(messages.role, 'assistant'), gte(messages.createdAt, since)));
      return { tokens: Number(row?.tokens ?? 0), costUsd: Number(row?.costUsd ?? 0) };
    },
    stats: (siteId) => siteStats(db, siteId),
  };
}

/** Three grouped reads (answers, tickets, feedback) merged per site; sums come back as float8 so every driver returns numbers. */
async function siteStats(db: Orm, siteId?: string): Promise<SiteStats[]> {
  const site = (column: typeof conversations.siteId | typeof tickets.siteId) => (siteId === undefined ? undefined : eq(column, siteId));
  const [answers, handoffs, ratings] = await Promise.all([
    db
      .select({
        siteId: conversations.siteId,
        answers: sql<number>`count(*)::int`,
        promptTokens: sql<number>`coalesce(sum(${messages.promptTokens}), 0)::float8`,
        completionTokens: sql<number>`coalesce(sum(${messages.completionTokens}), 0)::float8`,
        embeddingTokens: sql<number>`coalesce(sum(${messages.embeddingTokens}), 0)::float8`,
        costUsd: sql<number | null>`sum(${messages.costUsd})::float8`,
        avgConfidence: sql<number | null>`avg(${messages.confidence})::float8`,
      })
      .from(messages)
      .innerJoin(conversations, eq(messages.conversationId, conversations.id))
      .where(and(eq(messages.role, 'assistant'), site(conversations.siteId)))
      .groupBy(conversations.siteId),
    db
      .select({ siteId: tickets.siteId, n: sql<number>`count(*)::int` })
      .from(tickets)
      .where(site(tickets.siteId))
      .groupBy(tickets.siteId),
    db
      .select({
        siteId: conversations.siteId,
        up: sql<number>`(count(*) filter (where ${feedback.rating} = 'up'))::int`,
        down: sql<number>`(count(*) filter (where ${feedback.rating} = 'down'))::int`,
      })
      .from(feedback)
      .innerJoin(conversations, eq(feedback.conversationId, conversations.id))
      .where(site(conversations.siteId))
      .groupBy(conversations.siteId),
  ]);
  const out = new Map<string, SiteStats>();
  const of = (id: string) => {
    let s = out.get(id);
    if (!s) {
      s = { siteId: id, answers: 0, promptTokens: 0, completionTokens: 0, embeddingTokens: 0, costUsd: null, avgConfidence: null, handoffs: 0, feedbackUp: 0, feedbackDown: 0 };
      out.set(id, s);
    }
    return s;
  };
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  for (const a of answers) {
    Object.assign(of(a.siteId), {
      answers: Number(a.answers),
      promptTokens: Number(a.promptTokens),
      completionTokens: Number(a.completionTokens),
      embeddingTokens: Number(a.embeddingTokens),
      costUsd: num(a.costUsd),
      avgConfidence: num(a.avgConfidence),
    });
  }
  for (const h of handoffs) of(h.siteId).handoffs = Number(h.n);
  for (const r of ratings) Object.assign(of(r.siteId), { feedbackUp: Number(r.up), feedbackDown: Number(r.down) });
  return [...out.values()].sort((a, b) => a.siteId.localeCompare(b.siteId));
}
