import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RerankCandidate } from '../../../edge/core/ports';
import { silentLogger } from '../../../edge/ops/logger';
import { cohereClient, CohereReranker } from '../../../edge/providers/cohere/rerank';
import { LocalReranker } from '../../../edge/providers/rerank/local';
import { FallbackReranker } from '../../../edge/providers/resilience/fallback';
import { ResiliencePolicy } from '../../../edge/core/resilience/policy';
import { startCohereFake, type CohereFake } from '../../fakes/cohere-server';

const TOKEN = 'co-test-token';
let fake: CohereFake;
beforeAll(async () => {
  fake = await startCohereFake({ token: TOKEN });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const CANDIDATES: RerankCandidate[] = [
  { id: 'ship', title: 'Shipping', text: 'Standard shipping takes 3–5 business days.' },
  { id: 'ret', title: 'Returns', text: 'You can return unused gear within 60 days for a refund.' },
  { id: 'war', title: 'Warranty', text: 'Our lifetime warranty covers defects in materials.' },
];

function reranker(settings: { timeoutMs?: number; retries?: number } = {}, token = TOKEN) {
  const waits: number[] = [];
  const policy = new ResiliencePolicy('cohere', { timeoutMs: 1_000, retries: 1, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 1_000, ...settings }, {
    clock: { now: () => Date.now() },
    log: silentLogger,
    sleep: (ms) => (waits.push(ms), new Promise((r) => setTimeout(r, ms))),
  });
  return { r: new CohereReranker(cohereClient({ token, baseUrl: fake.url }), policy), waits };
}

describe('CohereReranker over the v2 rerank protocol', () => {
  it('sends rerank-v3.5 with top_n and maps the results back to candidates, best first, in 0..1', async () => {
    const { r } = reranker();
    const out = await r.rerank('how long do returns take for unused gear', CANDIDATES, 2);
    expect(out.map((x) => x.id)).toEqual(['ret', 'ship']);
    expect(out.every((x) => x.score >= 0 && x.score <= 1)).toBe(true);
    expect(out[0].score).toBeGreaterThan(out[1].score);
    const [req] = fake.requests;
    expect(req.path).toBe('/v2/rerank');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.body).toMatchObject({ model: 'rerank-v3.5', query: 'how long do returns take for unused gear', top_n: 2 });
    expect((req.body as { documents: string[] }).documents[0]).toBe('Shipping\nStandard shipping takes 3–5 business days.');
  });

  it('asks for no more than it has, and nothing for no candidates', async () => {
    const { r } = reranker();
    expect(await r.rerank('warranty', CANDIDATES, 10)).toHaveLength(3);
    expect((fake.requests[0].body as { top_n: number }).top_n).toBe(3);
    expect(await r.rerank('warranty', [], 4)).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a 429 after its Retry-After', async () => {
    const { r, waits } = reranker();
    fake.queue({ status: 429, message: 'You are using a Trial key, which is limited to 10 API calls / minute.', headers: { 'retry-after': '0.2' } });
    const out = await r.rerank('warranty defects', CANDIDATES, 1);
    expect(out[0].id).toBe('war');
    expect(waits).toEqual([200]);
    expect(fake.requests).toHaveLength(2);
  });

  it('falls back to the local reranker on 500s and on a timeout, without failing the answer', async () => {
    const { r } = reranker({ timeoutMs: 200, retries: 1 });
    const safe = new FallbackReranker(r, new LocalReranker(), silentLogger);
    fake.queue({ status: 500, message: 'internal server error' }, { status: 500, message: 'internal server error' });
    expect((await safe.rerank('return unused gear', CANDIDATES, 1))[0].id).toBe('ret');
    fake.queue({ status: 200, delayMs: 1_000 }, { status: 200, delayMs: 1_000 });
    const t = Date.now();
    expect((await safe.rerank('warranty defects', CANDIDATES, 1))[0].id).toBe('war');
    expect(Date.now() - t).toBeLessThan(900);
  });

  it('does not retry a rejected token', async () => {
    const { r } = reranker({}, 'wrong-token');
    await expect(r.rerank('warranty', CANDIDATES, 1)).rejects.toMatchObject({ statusCode: 401 });
    expect(fake.requests).toHaveLength(1);
  });
});
