/**
 * A deploy as the visitor lives it: the widget in Chromium is talking to a Node process on
 * Redis and PostgreSQL 15 when that process gets SIGTERM mid-answer, exits, and a new process
 * takes its port. The widget reconnects by itself and shows the whole answer, once, and the
 * conversation goes on. The LLM is a local server speaking OpenAI's protocol (slow on purpose);
 * the vectors live in a local server speaking Qdrant's (PostgreSQL 15 has no pgvector).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundedModel } from '../fakes/openai-model';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-server';
import { startQdrantFake, type QdrantFake } from '../fakes/qdrant-server';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process';
import { skipWithoutRedisAndPostgres15 } from '../servers/availability';
import { freePort, waitFor } from '../../scripts/local/free-port';
import { startPostgres15, type RunningPostgres } from '../servers/postgres15';
import { startRedis, type RunningRedis } from '../../scripts/local/redis';
import { launchBrowser, requireBrowser } from './browser';
import { ensureBuilt } from './build';
import { chat, openChat, transcript, visit, type Harness } from './harness';
import { NO_LIMITS } from '../helpers/limits';

const skip = await skipWithoutRedisAndPostgres15();

let redis: RunningRedis;
let postgres: RunningPostgres;
let qdrant: QdrantFake;
let openai: OpenAiFake;
let browser: Browser | null = null;
let env: Record<string, string>;
const procs: NodeProcess[] = [];
let paceMs = 0;

beforeAll(async () => {
  if (skip) return;
  await ensureBuilt();
  const launched = await launchBrowser();
  if (!requireBrowser(launched.browser, launched.why)) return;
  browser = launched.browser;
  [redis, postgres, qdrant, openai] = await Promise.all([startRedis(), startPostgres15(), startQdrantFake(), startOpenAiFake()]);
  openai.onChat((c) => {
    const reply = groundedModel(c);
    return reply.type === 'text' ? { ...reply, pieceDelayMs: paceMs } : reply;
  });
  env = {
    PORT: String(await freePort()),
    REDIS_URL: redis.url,
    POSTGRES_URL: postgres.url,
    QDRANT_URL: qdrant.url,
    OPENAI_BASE_URL: openai.url,
    ...NO_LIMITS,
  };
  procs.push(await startNodeProcess({ env }));
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await Promise.all(procs.map((p) => p.stop()));
  await Promise.all([openai?.close(), qdrant?.close(), postgres?.stop(), redis?.stop()]);
});

describe.skipIf(skip)('the widget through a rolling restart (real processes, Redis, PostgreSQL 15, Chromium)', () => {
  it('keeps the conversation: the answer in flight arrives whole, once, and the next question is answered by the new process', async (ctx) => {
    if (!browser) return ctx.skip();
    const [first] = procs;
    const h = { browser, origin: `http://127.0.0.1:${first.port}`, contexts: [] } as unknown as Harness;
    const page = await visit(h, '/');
    await openChat(page);
    const answers = chat(page).locator('article.answer[aria-busy=false]');

    paceMs = 120;
    await chat(page).locator('textarea').fill('How long does standard shipping take?');
    await chat(page).locator('textarea').press('Enter');
    // In flight: the LLM was asked and the widget shows the answer growing. The paced reply takes
    // seconds, so both are there to see; a failure says which was not, with what the page showed.
    await waitFor('the LLM to be asked', async () => openai.chats().length === 1, { ms: 15_000 }).catch(async (err) => {
      throw new Error(`${(err as Error).message}; the page shows ${JSON.stringify(await transcript(page))}; server output: ${first.output().slice(-2000)}`);
    });
    await chat(page).locator('article.answer[aria-busy=true]').waitFor({ state: 'attached', timeout: 15_000 });
    first.signal('SIGTERM');
    expect(await first.exited).toMatchObject({ code: 0 });
    paceMs = 0;
    // The new process takes the same port, as a restart in place does.
    procs.push(await startNodeProcess({ env }));

    await answers.first().waitFor({ timeout: 30_000 });
    const whole = openai.chats().length;
    expect(whole).toBe(1); // answered once: the new process did not ask again

    await chat(page).locator('textarea').fill('What does the warranty cover?');
    await chat(page).locator('textarea').press('Enter');
    await answers.nth(1).waitFor({ timeout: 15_000 });
    const seen = await transcript(page);
    expect(seen.map(([kind]) => kind)).toEqual(['user', 'answer', 'user', 'answer']);
    expect(seen[1][1].length).toBeGreaterThan(10);
    expect(seen[1][1]).not.toMatch(/interrupted/i);

    // What the widget shows is what the server stored, after a reload too.
    await page.reload();
    await openChat(page);
    await answers.nth(1).waitFor({ timeout: 15_000 });
    expect(await transcript(page)).toEqual(seen);
  }, 120_000);
});
