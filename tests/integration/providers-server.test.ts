/**
 * End to end over the real Node server, configured as a production site would be (OpenAI,
 * Cohere, Qdrant), each cloud replaced by a local server speaking its protocol: the demo data
 * is embedded and stored in Qdrant at start, a visitor talks over the WebSocket, and the
 * admin stats show the answer's tokens and cost.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../edge/config/load';
import { describeProviders } from '../../edge/wiring/describe';
import type { Deps } from '../../edge/core/deps';
import { mountAdmin } from '../../edge/http/admin';
import { startCohereFake, type CohereFake } from '../fakes/cohere-server';
import { paced } from '../fakes/openai-model';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-server';
import { startQdrantFake, type QdrantFake } from '../fakes/qdrant-server';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
let openai: OpenAiFake;
let cohere: CohereFake;
let qdrant: QdrantFake;
let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  [openai, cohere, qdrant] = await Promise.all([startOpenAiFake({ apiKey: 'sk-e2e' }), startCohereFake({ token: 'co-e2e' }), startQdrantFake({ apiKey: 'qd-e2e' })]);
  env = {
    OPENAI_API_KEY: 'sk-e2e',
    OPENAI_BASE_URL: openai.url,
    COHERE_API_KEY: 'co-e2e',
    COHERE_BASE_URL: cohere.url,
    QDRANT_URL: qdrant.url,
    QDRANT_API_KEY: 'qd-e2e',
    EMBEDDING_MODEL: 'text-embedding-3-small',
    LLM_MODEL: 'gpt-4o-mini',
    RAG_CACHE_TTL: '0',
    ADMIN_TOKEN,
  };
  server = await startTestServer(env);
});
afterAll(async () => {
  await server?.destroy();
  await Promise.all([openai?.close(), cohere?.close(), qdrant?.close()]);
});

describe('the Node server with cloud providers (local protocol servers)', () => {
  it('says which provider serves each job', () => {
    const d = describeProviders(loadConfig(env));
    expect(d.llm).toMatch(/^OpenAI gpt-4o-mini at http:\/\/127\.0\.0\.1:\d+\/v1 \(OpenAI-compatible\)/);
    expect(d.embeddings).toMatch(/^OpenAI text-embedding-3-small .*1536 dimensions/);
    expect(d.rerank).toMatch(/^Cohere rerank-v3\.5 at http/);
    expect(d.vectors).toBe(`Qdrant at ${qdrant.url}`);
    expect(describeProviders(loadConfig({}))).toMatchObject({ llm: 'local extractive answerer', embeddings: 'local local-hash-384, hashed features (the default here)', rerank: 'local reranker', vectors: 'pgvector in PGlite' });
    expect(() => loadConfig({ EMBEDDING_MODEL: 'text-embedding-3-small' })).toThrow(/EMBEDDING_MODEL=text-embedding-3-small needs OPENAI_API_KEY/);
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN must be at least 16 characters/);
  });

  it('embedded the demo data with OpenAI and stored it in a Qdrant collection for that model', async () => {
    expect(qdrant.aliases.get('support_chat')).toBe('support_chat__text-embedding-3-small__1536');
    const c = qdrant.collections.get('support_chat__text-embedding-3-small__1536')!;
    expect(c.points.size).toBeGreaterThan(20);
    expect([...c.points.values()].every((p) => p.payload.site_id === 'demo' && typeof p.payload.chunk_id === 'string')).toBe(true);
    expect(openai.requests.filter((r) => r.path === '/v1/embeddings').length).toBeGreaterThan(0);
  });

  it('answers a visitor over the WebSocket with a cited, streamed answer, and the stats show its cost', async () => {
    const s = await TestSocket.open(server.wsUrl(), { origin: `http://127.0.0.1:${server.port}` });
    const before = { chats: openai.chats().length, reranks: cohere.requests.length, queries: qdrant.requests.filter((r) => r.path.endsWith('/points/query')).length };
    await s.hello();
    // Paced as a model streams (a token every 30 ms): the answer reaches the visitor in pieces.
    openai.onChat(paced);
    const a = await s.ask('q1', 'Can you ship to a PO box?').finally(() => openai.onChat(null));
    expect(a.deltas).toBeGreaterThan(2);
    expect(a.text).toMatch(/USPS|standard shipping/i);
    expect(a.text).toMatch(/\[\d\]\.$/);
    expect(a.end.citations).toHaveLength(1);
    expect(a.end.citations[0].url).toBe('/help/shipping');
    expect(openai.chats().length).toBe(before.chats + 1);
    expect(cohere.requests.length).toBe(before.reranks + 1);
    expect(qdrant.requests.filter((r) => r.path.endsWith('/points/query')).length).toBe(before.queries + 1);
    s.send({ type: 'feedback', answer: a.start.id, rating: 'up' });
    await new Promise((r) => setTimeout(r, 100));
    s.close();

    const url = `http://127.0.0.1:${server.port}/v1/admin/stats`;
    expect((await fetch(url)).status).toBe(401);
    const wrong = await fetch(url, { headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    const { sites } = (await res.json()) as { sites: { site: string; answers: number; tokens: Record<string, number>; costUsd: number; avgConfidence: number; handoffs: number; feedback: { up: number; down: number } }[] };
    const demo = sites.find((x) => x.site === 'demo')!;
    expect(demo.answers).toBe(1);
    expect(demo.tokens.prompt).toBeGreaterThan(100);
    expect(demo.tokens.completion).toBeGreaterThan(0);
    expect(demo.tokens.embedding).toBeGreaterThan(0);
    expect(demo.costUsd).toBeGreaterThan(0);
    expect(demo.costUsd).toBeLessThan(0.001);
    expect(demo.avgConfidence).toBeGreaterThan(0.35);
    expect(demo.feedback).toEqual({ up: 1, down: 0 });
    expect(demo.handoffs).toBe(0);
  });
});

describe('the admin API without ADMIN_TOKEN', () => {
  it('does not exist', async () => {
    const app = new Hono();
    const deps = { settings: {}, db: { messages: { stats: () => Promise.reject(new Error('must not be called')) } } } as unknown as Deps;
    mountAdmin(app, deps);
    const res = await app.request('/v1/admin/stats', { headers: { authorization: 'Bearer anything-at-all-here' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/ADMIN_TOKEN/);
  });
});
