/** Usage stored with answers and summed per site for the admin stats, on a real (PGlite) database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, MessageUsage } from '../../edge/core/ports';
import { openPglite } from '../../edge/stores/db/pglite';

let db: Db;
beforeAll(async () => {
  ({ db } = await openPglite(null));
  for (const id of ['shop', 'blog']) await db.sites.upsert({ id, name: id, allowedOrigins: [] });
  await db.conversations.create({ id: 'c1', siteId: 'shop' });
  await db.conversations.create({ id: 'c2', siteId: 'shop' });
  await db.conversations.create({ id: 'c3', siteId: 'blog' });
});
afterAll(() => db.close());

let n = 0;
const answer = (conversationId: string, confidence: number, usage: MessageUsage | null) =>
  db.messages.add({ id: `m${++n}`, conversationId, role: 'assistant', clientId: `a${n}`, replyTo: `u${n}`, text: 'answer [1]', intent: 'other', citations: [], confidence, usage });
const question = (conversationId: string) =>
  db.messages.add({ id: `m${++n}`, conversationId, role: 'user', clientId: `u${n}`, replyTo: null, text: 'question', intent: null, citations: [], confidence: null });

describe('usage with the answer, and the stats per site', () => {
  it('stores an answer\'s usage and reads it back; other messages have none', async () => {
    await question('c1');
    await answer('c1', 0.8, { model: 'gpt-4o-mini-2024-07-18', promptTokens: 1000, completionTokens: 100, embeddingTokens: 10, costUsd: 0.0002102 });
    const [q, a] = await db.messages.list('c1');
    expect(q.usage).toBeNull();
    expect(a.usage).toEqual({ model: 'gpt-4o-mini-2024-07-18', promptTokens: 1000, completionTokens: 100, embeddingTokens: 10, costUsd: 0.0002102 });
    expect((await db.messages.findByClientId('c1', a.clientId))!.usage).toEqual(a.usage);
  });

  it('sums answers, tokens and known costs, averages confidence, and counts hand-offs and feedback per site', async () => {
    await answer('c2', 0.4, { model: 'llama3.1', promptTokens: 500, completionTokens: 50, embeddingTokens: 0, costUsd: null });
    await answer('c2', 0.6, null); // a cached or direct reply: nothing metered
    await answer('c3', 1, null);
    await db.tickets.open({ id: 't1', siteId: 'shop', conversationId: 'c2', reason: 'wants a person' });
    await db.feedback.add({ conversationId: 'c1', answerId: 'a2', rating: 'up', comment: null });
    await db.feedback.add({ conversationId: 'c2', answerId: 'a3', rating: 'down', comment: 'wrong' });

    const stats = await db.messages.stats();
    expect(stats.map((s) => s.siteId)).toEqual(['blog', 'shop']);
    const shop = stats[1];
    expect(shop).toMatchObject({ answers: 3, promptTokens: 1500, completionTokens: 150, embeddingTokens: 10, handoffs: 1, feedbackUp: 1, feedbackDown: 1 });
    expect(shop.costUsd).toBeCloseTo(0.0002102, 10);
    expect(shop.avgConfidence).toBeCloseTo(0.6, 5);
    expect(stats[0]).toMatchObject({ siteId: 'blog', answers: 1, promptTokens: 0, costUsd: null, handoffs: 0, feedbackUp: 0 });

    expect((await db.messages.stats('blog')).map((s) => s.siteId)).toEqual(['blog']);
    expect(await db.messages.stats('nobody')).toEqual([]);
  });
});
