/**
 * A site's daily LLM budget, on the real Node server with the OpenAI adapter pointed at a
 * local server speaking OpenAI's wire protocol: once the day's answers have spent the
 * allowance, the site's answers come from the embedded extractive answerer (with its note),
 * no further LLM call is made, and the admin stats say the budget is spent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-server';
import { startTestServer, type TestServer } from '../helpers/server';

const ADMIN = 'admin-token-0123456789';
let openai: OpenAiFake;
let server: TestServer;
beforeAll(async () => {
  openai = await startOpenAiFake({ apiKey: 'sk-test' });
  server = await startTestServer({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url, SITE_DAILY_TOKEN_BUDGET: '50', RAG_CACHE_TTL: '0', ADMIN_TOKEN: ADMIN });
});
afterAll(async () => {
  await server?.destroy();
  await openai?.close();
});

const ask = async (id: string, text: string) => {
  const res = await fetch(`http://127.0.0.1:${server.port}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', id, text }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { answer: { text: string } }).answer.text;
};
const stats = async () =>
  ((await (await fetch(`http://127.0.0.1:${server.port}/v1/admin/stats?site=demo`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
    sites: { site: string; budget?: { day: string; tokens: number; tokensPerDay: number; exceeded: boolean } }[];
  }).sites[0];

describe("a site's daily LLM budget (OpenAI side: a local server speaking OpenAI's wire protocol)", () => {
  it('answers with the LLM while within it, then from the help content with a note, and says so in the stats', async () => {
    const first = await ask('b1', 'How long do I have to return an item?');
    expect(openai.chats()).toHaveLength(1);
    expect(first).not.toMatch(/unavailable right now/);
    // The spend is read again after a few seconds; the first answer alone passed the 50 tokens.
    await new Promise((r) => setTimeout(r, 5_500));
    const budget = (await stats()).budget!;
    expect(budget).toMatchObject({ day: new Date().toISOString().slice(0, 10), tokensPerDay: 50, exceeded: true });
    expect(budget.tokens).toBeGreaterThanOrEqual(50);
    const second = await ask('b2', 'Do you ship internationally?');
    expect(second).toMatch(/unavailable right now, so this answer comes straight from our help content/);
    expect(second).toMatch(/\[1\]/);
    expect(openai.chats()).toHaveLength(1);
  }, 30_000);
});
