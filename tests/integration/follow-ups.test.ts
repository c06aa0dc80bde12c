/**
 * Follow-ups through the product (POST /v1/chat over the demo shop, the answer cache on): a
 * message that names its subject only by "it" or not at all is answered about the subject of
 * the questions before it, and never from or into the cache, where another conversation's
 * subject would answer it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../edge/app';
import { demoDeps } from '../helpers/deps';
import { NO_LIMITS } from '../helpers/limits';
import { ask } from '../quality/grade';

describe('follow-up questions on the demo shop', () => {
  let built: Awaited<ReturnType<typeof demoDeps>>;
  let app: ReturnType<typeof createApp>['app'];
  beforeAll(async () => {
    built = await demoDeps({ ...NO_LIMITS, RAG_CACHE_TTL: '3600' });
    ({ app } = createApp(built.deps));
  }, 120_000);
  afterAll(async () => built?.close());
  const say = (q: string, before: string[]) => ask(app, { q, before, expect: 'answer', tags: [] });

  it('"how much is it?" after a product: that product\'s price, in each conversation its own', async () => {
    const basin = await say('how much is it?', ['Tell me about the Basin 3 Tent']);
    expect(basin.citations[0]?.title).toBe('Basin 3 Tent');
    expect(basin.text).toContain('$429.00');
    const switchback = await say('how much is it?', ['Tell me about the Switchback 2 Tent']);
    expect(switchback.citations[0]?.title).toBe('Switchback 2 Tent');
    expect(switchback.text).toContain('$349.00');
  });

  it('"and how much?" after two shipping questions: the shipping prices, not the times asked before', async () => {
    const reply = await say('and how much?', ['Do you ship to Canada?', 'how long does it take?']);
    expect(reply.citations[0]?.title).toBe('How much does shipping cost?');
    expect(reply.text).toContain('$19.95');
    expect(reply.text).not.toContain('business days');
  });

  it('"what about gift cards?" after a returns question: whether gift cards can be returned', async () => {
    const reply = await say('what about gift cards?', ['Can I return a tent I used?']);
    expect(reply.citations[0]?.title).toBe('What is your return policy?');
    expect(reply.text).toContain('gift cards cannot be returned');
  });

  it('a question of its own after another is answered for itself', async () => {
    const reply = await say('What is your return policy?', ['Do you ship to Canada?']);
    expect(reply.citations[0]?.title).toBe('What is your return policy?');
  });

  it("never takes another conversation's answer to the same words from the cache", async () => {
    const shipping = await say('and how much?', ['Do you ship to Canada?', 'how long does it take?']);
    expect(shipping.text).toContain('$19.95');
    const gifts = await say('and how much?', ['Do you sell gift cards?']);
    expect(gifts.text).not.toContain('$19.95');
    expect(gifts.citations[0]?.title).toMatch(/gift card/i);
    // The same words as a first message (English by the locale, as the follow-up was by the
    // questions before it): nothing a follow-up answered was kept for them.
    const res = await app.request('/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', id: 'alone-1', text: 'and how much?', locale: 'en-US' }),
    });
    expect(res.status).toBe(200);
    const alone = (await res.json()) as { answer: { text: string } };
    expect(alone.answer.text).not.toMatch(/\$19\.95|\$25 to \$500/u);
  });
});
