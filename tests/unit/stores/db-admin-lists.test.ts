/**
 * The admin API's two lists at the repo: conversations (newest first, figures per row, filters)
 * and documents (by source), paged by cursor. Rows sharing a creation time down to the
 * microsecond are neither skipped nor repeated across pages (the id breaks the tie), and a
 * message sealed at rest comes back opened, or null when its key is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { cipherFor } from '../../../edge/core/crypto';
import { createDb } from '../../../edge/stores/db/create-db';
import { encodeCursor, decodeCursor, pageOf } from '../../../edge/core/pagination';
import type { ConversationFilter, ConversationSummary, Db } from '../../../edge/core/ports';
import { openPglite } from '../../../edge/stores/db/pglite';

let pg: PGlite;
let db: Db;
const key = (kid: string, fill: number) => `${kid}:${Buffer.from(new Uint8Array(32).fill(fill)).toString('base64')}`;

beforeAll(async () => {
  ({ pg, db } = await openPglite(null, { sealing: { cipher: cipherFor(key('k1', 7)) } }));
  await db.sites.upsert({ id: 'shop', name: 'Shop', allowedOrigins: [] });
  await db.sites.upsert({ id: 'other', name: 'Other', allowedOrigins: [] });
  for (let i = 0; i < 12; i++) await db.conversations.create({ id: `c${String(i).padStart(2, '0')}`, siteId: i < 10 ? 'shop' : 'other' });
  // Five share one instant exactly; the others a second apart.
  await pg.query(`update conversations set created_at = '2026-12-01T10:00:00.123456Z' where id in ('c00','c01','c02','c03','c04')`);
  for (let i = 5; i < 12; i++) await pg.query(`update conversations set created_at = $1 where id = $2`, [new Date(Date.UTC(2026, 11, 1, 10, 0, i)).toISOString(), `c${String(i).padStart(2, '0')}`]);
  const msg = (id: string, conversationId: string, role: 'user' | 'assistant', text: string, intent: 'order_status' | 'greeting' | null, at: number) =>
    db.messages.add({ id, conversationId, role, clientId: id, replyTo: null, text, intent, citations: [], confidence: null, createdAt: new Date(at) });
  await msg('m1', 'c03', 'user', 'Where is my order?', null, 1);
  await msg('m2', 'c03', 'assistant', 'It left today.', 'order_status', 2);
  await msg('m3', 'c03', 'user', 'Thanks!', null, 3);
  await msg('m4', 'c03', 'assistant', 'You are welcome.', 'greeting', 4);
  await msg('m5', 'c07', 'user', 'Hello', null, 5);
  await db.feedback.add({ conversationId: 'c03', answerId: 'm2', rating: 'up', comment: null });
  await db.feedback.add({ conversationId: 'c07', answerId: 'mx', rating: 'down', comment: 'no' });
  await pg.query(`insert into tickets (id, site_id, conversation_id) values ('t1', 'shop', 'c07')`);
}, 60_000);
afterAll(() => db.close());

async function all(filter: Omit<ConversationFilter, 'limit' | 'after'>, limit: number) {
  const out: ConversationSummary[] = [];
  let next: string | null = null;
  do {
    const rows = await db.conversations.list({ ...filter, limit: limit + 1, after: next ? decodeCursor(next) : null });
    const page = pageOf(rows, limit, (r) => ({ key: r.createdAt.toISOString(), id: r.id }));
    out.push(...page.items);
    next = page.next;
  } while (next);
  return out;
}

describe('conversations.list', () => {
  it('newest first, id breaking ties, every row once whatever the page size', async () => {
    const one = (await all({}, 200)).map((r) => r.id);
    expect(one).toEqual(['c11', 'c10', 'c09', 'c08', 'c07', 'c06', 'c05', 'c04', 'c03', 'c02', 'c01', 'c00']);
    for (const size of [1, 2, 3, 5]) expect((await all({}, size)).map((r) => r.id)).toEqual(one);
  });

  it('gives the figures of each row, the first question opened', async () => {
    const [c03] = await db.conversations.list({ siteId: 'shop', limit: 1, after: { key: '2026-12-01T10:00:00.123Z', id: 'c04' } });
    expect(c03).toMatchObject({ id: 'c03', siteId: 'shop', messages: 4, firstQuestion: 'Where is my order?', hasTicket: false, feedback: { up: 1, down: 0 } });
    expect([...c03!.intents].sort()).toEqual(['greeting', 'order_status']);
    const stored = await pg.query<{ text: string }>(`select text from messages where id = 'm1'`);
    expect(stored.rows[0]!.text).not.toContain('order');
    // Sealed under a key no longer held: the row without it.
    const other = createDb(drizzle(pg), async () => {}, { sealing: { cipher: cipherFor(key('k2', 9)) } });
    const [unopened] = await other.conversations.list({ siteId: 'shop', limit: 1, after: { key: '2026-12-01T10:00:00.123Z', id: 'c04' } });
    expect(unopened).toMatchObject({ id: 'c03', firstQuestion: null, messages: 4 });
  });

  it('filters by site, time, intent, hand-off and feedback', async () => {
    const ids = async (f: Omit<ConversationFilter, 'limit' | 'after'>) => (await all(f, 200)).map((r) => r.id);
    expect(await ids({ siteId: 'other' })).toEqual(['c11', 'c10']);
    expect(await ids({ intent: 'order_status' })).toEqual(['c03']);
    expect(await ids({ handoff: true })).toEqual(['c07']);
    expect(await ids({ handoff: false, siteId: 'other' })).toEqual(['c11', 'c10']);
    expect(await ids({ feedback: 'down' })).toEqual(['c07']);
    expect(await ids({ from: new Date('2026-12-01T10:00:06Z'), to: new Date('2026-12-01T10:00:08Z') })).toEqual(['c07', 'c06']);
    expect(await ids({ to: new Date('2026-12-01T10:00:01Z') })).toEqual(['c04', 'c03', 'c02', 'c01', 'c00']);
  });
});

describe('documents.page', () => {
  it('by source then id, with chunk counts, every document once', async () => {
    for (const s of ['b.md', 'a.md', 'c.md', 'a.md#x']) {
      await db.documents.replace({ id: `doc_${s}`, siteId: 'shop', source: s, kind: 'doc', title: s, url: null, hash: 'h' }, [
        { kind: 'doc', ord: 0, title: s, url: null, content: 'one', tokens: 1 },
        { kind: 'doc', ord: 1, title: s, url: null, content: 'two', tokens: 1 },
      ]);
    }
    const first = await db.documents.page('shop', 3);
    expect(first.map((d) => [d.source, d.chunks])).toEqual([['a.md', 2], ['a.md#x', 2], ['b.md', 2]]);
    expect(first[0]!.updatedAt).toBeInstanceOf(Date);
    const cursor = decodeCursor(encodeCursor({ key: first[1]!.source, id: first[1]!.id }));
    expect((await db.documents.page('shop', 10, cursor)).map((d) => d.source)).toEqual(['b.md', 'c.md']);
    expect(await db.documents.page('other', 10)).toEqual([]);
    expect(await db.documents.byId('shop', 'doc_a.md')).toMatchObject({ source: 'a.md' });
    expect(await db.documents.byId('other', 'doc_a.md')).toBeNull();
  });
});
