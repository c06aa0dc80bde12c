/**
 * The conversation with the cloud providers configured, each one a local server speaking its
 * protocol: real stores (PGlite + pgvector at 1536 dimensions), the real pipeline and chat
 * service, and the official clients. Covers grounded streaming with citations, a tool call,
 * usage and cost stored with the answer, and every failure the providers can have.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@support-chat/protocol';
import { loadConfig } from '../../edge/config/load';
import type { Deps } from '../../edge/core/deps';
import { IndexMismatchError, type Logger } from '../../edge/core/ports';
import { ChatService, type Peer } from '../../edge/conversation/chat';
import { selectProviders } from '../../edge/wiring/providers';
import { FALLBACK_NOTE } from '../../edge/providers/resilience/fallback';
import { buildNodeDeps } from '../../edge/runtime/node/deps';
import { ensureDemoSite, loadDemoData } from '../../edge/runtime/node/seed';
import { RefusingVectorStore } from '../../edge/stores/vectors/refusing';
import { startCohereFake, type CohereFake } from '../fakes/cohere-server';
import { paced } from '../fakes/openai-model';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-server';

const ROOT = resolve(import.meta.dirname, '../..');
const logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
const log: Logger = {
  debug: () => {},
  info: () => {},
  warn: (msg, fields) => void logs.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => void logs.push({ level: 'error', msg, fields }),
};

let openai: OpenAiFake;
let cohere: CohereFake;
let base: Deps;
let close: () => Promise<void>;
let env: Record<string, string>;
const FAST = {
  policies: {
    llm: { timeoutMs: 1_000, retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
    embeddings: { timeoutMs: 1_000, retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
    rerank: { timeoutMs: 500, retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
  },
  llmIdle: { firstMs: 400, idleMs: 400 },
};

beforeAll(async () => {
  [openai, cohere] = await Promise.all([startOpenAiFake({ apiKey: 'sk-test' }), startCohereFake({ token: 'co-test' })]);
  env = {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openai.url,
    COHERE_API_KEY: 'co-test',
    COHERE_BASE_URL: cohere.url,
    EMBEDDING_MODEL: 'text-embedding-3-small',
    RAG_CACHE_TTL: '0',
  };
  const config = loadConfig(env);
  ({ deps: base, close } = await buildNodeDeps(config, log, { inMemory: true, providers: FAST }));
  await ensureDemoSite(base, config, 0);
  await loadDemoData(base, resolve(ROOT, 'demo/data'), ROOT);
});
afterAll(async () => {
  await close?.();
  await Promise.all([openai?.close(), cohere?.close()]);
});
beforeEach(() => {
  openai.reset();
  cohere.reset();
  logs.length = 0;
});

async function visitor(deps: Deps) {
  const chat = new ChatService(deps);
  const frames: ServerFrame[] = [];
  const peer: Peer = { conn: { id: 'c1', send: (f) => frames.push(f) }, siteId: 'demo', session: null };
  await chat.handle(peer, { type: 'hello', v: 1 });
  let n = 0;
  const ask = async (text: string) => {
    const id = `m${++n}`;
    await chat.handle(peer, { type: 'message', id, text });
    await chat.idle(peer.session!);
    const start = frames.find((f): f is Extract<ServerFrame, { type: 'answer.start' }> => f.type === 'answer.start' && f.replyTo === id)!;
    const mine = frames.filter((f) => 'id' in f && f.id === start.id);
    const deltas = mine.filter((f): f is Extract<ServerFrame, { type: 'answer.delta' }> => f.type === 'answer.delta');
    const end = mine.find((f): f is Extract<ServerFrame, { type: 'answer.end' }> => f.type === 'answer.end')!;
    const stored = (await deps.db.messages.list(peer.session!)).find((m) => m.role === 'assistant' && m.replyTo === id)!;
    return { start, deltas, text: deltas.map((d) => d.text).join(''), end, stored };
  };
  return { ask, peer };
}

describe('a conversation with OpenAI and Cohere (local protocol servers)', () => {
  it('streams a grounded answer from the model with citations, and stores tokens and cost with it', async () => {
    const v = await visitor(base);
    // Paced as a model streams (a token every 30 ms): the answer reaches the visitor in pieces.
    openai.onChat(paced);
    const a = await v.ask('How long does shipping take?').finally(() => openai.onChat(null));
    expect(a.deltas.length).toBeGreaterThan(3);
    expect(a.text).toMatch(/business days.*\[\d\]\.$/);
    expect(a.end.citations.length).toBe(1);
    expect(a.end.citations[0].url).toBe('/help/shipping');
    expect(a.end.confidence).toBeGreaterThan(0.35);

    // The pipeline used every cloud provider: query embedding, rerank, chat.
    expect(openai.requests.map((r) => r.path)).toEqual(['/v1/embeddings', '/v1/chat/completions']);
    expect(cohere.requests).toHaveLength(1);
    const prompt = openai.chats()[0].messages[1].content!;
    expect(prompt).toMatch(/^<sources>\n\[1\] /);

    expect(a.stored.usage).toMatchObject({ model: 'gpt-4o-mini-2024-07-18' });
    expect(a.stored.usage!.promptTokens).toBeGreaterThan(100);
    expect(a.stored.usage!.completionTokens).toBeGreaterThan(0);
    expect(a.stored.usage!.embeddingTokens).toBeGreaterThan(0);
    const u = a.stored.usage!;
    expect(u.costUsd).toBeCloseTo((u.promptTokens * 0.15 + u.completionTokens * 0.6 + u.embeddingTokens * 0.02) / 1e6, 12);
  });

  it('looks an order up with the tool when a complaint names it, and cites the order', async () => {
    const v = await visitor(base);
    const a = await v.ask('I am very disappointed, the zipper broke after one trip. Order JP-10405, priya.natarajan@example.com');
    expect(a.start.intent).toBe('complaint');
    const chats = openai.chats();
    expect(chats).toHaveLength(2);
    expect(chats[1].messages.at(-1)).toMatchObject({ role: 'tool' });
    expect(a.text).toMatch(/Order JP-10405 .*cancelled.*\[\d\]\.$/);
    expect(a.end.citations.map((c) => c.title)).toContain('Order JP-10405');
    expect(a.stored.usage!.promptTokens).toBeGreaterThan(chats.length); // both rounds counted
  });

  it('keeps what streamed and says so when the stream is cut half-way', async () => {
    const v = await visitor(base);
    openai.queueChat({ type: 'cut', text: 'Standard shipping takes 3–5 business days [1] and expedited two.', afterPieces: 4 });
    const a = await v.ask('How long does shipping take?');
    expect(a.text).toMatch(/^Standard shipping takes 3–5/);
    expect(a.text).toMatch(/interrupted/i);
    expect(a.end.handoff).toBe(true);
    expect(a.stored.text).toBe(a.text);
    expect(logs.some((l) => l.fields?.stage === 'llm stream')).toBe(true);
  });

  it('answers from the help content, saying so, when the model times out before its first word', async () => {
    const v = await visitor(base);
    openai.queueChat({ type: 'stall', afterPieces: 0 });
    const t = Date.now();
    const a = await v.ask('How long does shipping take?');
    expect(Date.now() - t).toBeLessThan(3_000);
    expect(a.text.startsWith(FALLBACK_NOTE)).toBe(true);
    expect(a.text).toMatch(/business days.*\[\d\]/);
    expect(a.end.citations.length).toBeGreaterThan(0);
    expect(logs.some((l) => l.fields?.stage === 'llm' && /first word/.test(l.msg))).toBe(true);
  });

  it('falls back to the local reranker when Cohere fails, and the answer is still grounded', async () => {
    const v = await visitor(base);
    cohere.queue({ status: 503, message: 'unavailable' }, { status: 503, message: 'unavailable' });
    const a = await v.ask('What does the warranty cover?');
    expect(cohere.requests).toHaveLength(2);
    expect(a.end.citations.length).toBe(1);
    expect(a.text).not.toContain(FALLBACK_NOTE);
    expect(logs.some((l) => l.fields?.stage === 'rerank')).toBe(true);
  });

  it('answers from full text alone when the query embedding fails', async () => {
    const v = await visitor(base);
    openai.queueEmbeddings({ type: 'error', status: 500 }, { type: 'error', status: 500 });
    const a = await v.ask('How much does shipping cost?');
    expect(a.text).toMatch(/\[\d\]\.$/);
    expect(a.end.citations.length).toBe(1);
    expect(a.stored.usage!.embeddingTokens).toBe(0);
    expect(logs.some((l) => l.fields?.stage === 'embed')).toBe(true);
  });

  it('opens the circuit after repeated 500s: the extractive answerer serves without calling OpenAI', async () => {
    let now = 0;
    const providers = selectProviders(loadConfig(env), {
      log,
      clock: { now: () => now },
      policies: { ...FAST.policies, llm: { ...FAST.policies.llm, retries: 0, failureThreshold: 2, cooldownMs: 60_000 } },
    });
    const v = await visitor({ ...base, llm: providers.llm });
    openai.queueChat({ type: 'error', status: 500 }, { type: 'error', status: 500 });
    for (let i = 0; i < 3; i++) {
      const a = await v.ask('How long does shipping take?');
      expect(a.text.startsWith(FALLBACK_NOTE)).toBe(true);
      expect(a.end.citations.length).toBeGreaterThan(0);
    }
    expect(openai.chats()).toHaveLength(2); // the third question never reached OpenAI
    expect(logs.some((l) => l.level === 'error' && /circuit open/.test(l.msg))).toBe(true);

    now += 60_000; // the cool-down passes: one trial, which succeeds
    const healed = await v.ask('How long does shipping take?');
    expect(healed.text).not.toContain(FALLBACK_NOTE);
    expect(openai.chats()).toHaveLength(3);
  });

  it('refuses an index another model built, and answers from full text instead', async () => {
    // The index here was built by text-embedding-3-small; a server switched to the local model must not query it.
    const local = selectProviders(loadConfig({ RAG_CACHE_TTL: '0' }), { log });
    const err = await base.vectors.ensure({ model: local.embedder.model, dimensions: local.embedder.dimensions }).catch((e) => e);
    expect(err).toBeInstanceOf(IndexMismatchError);
    expect(err.message).toMatch(/built with text-embedding-3-small \(1536 dimensions\).*npm run ingest -- --reembed/);
    const v = await visitor({ ...base, embedder: local.embedder, vectors: new RefusingVectorStore(base.vectors, err) });
    const a = await v.ask('How much does shipping cost?');
    expect(a.end.citations.length).toBe(1);
    expect(logs.some((l) => l.fields?.stage === 'vectors' && /re-embed|reembed/.test(String(l.fields?.error)))).toBe(true);
    // The pgvector index was left as it was, and still serves its own model.
    expect(await base.vectors.info()).toEqual({ model: 'text-embedding-3-small', dimensions: 1536 });
  });
});
