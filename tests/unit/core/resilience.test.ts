import { describe, expect, it } from 'vitest';
import { APIConnectionError, InternalServerError, RateLimitError, BadRequestError, AuthenticationError } from 'openai';
import { CohereError, CohereTimeoutError } from 'cohere-ai';
import { CircuitBreaker } from '../../../edge/core/resilience/breaker';
import { CircuitOpenError, classify, ProviderTimeoutError, retryAfter } from '../../../edge/core/resilience/errors';
import { FallbackReranker } from '../../../edge/providers/resilience/fallback';
import { ResiliencePolicy } from '../../../edge/core/resilience/policy';
import { backoff, withRetry } from '../../../edge/core/resilience/retry';
import { withIdleTimeout, withTimeout } from '../../../edge/core/resilience/timeout';
import { LocalReranker } from '../../../edge/providers/rerank/local';
import { silentLogger } from '../../../edge/ops/logger';

const h = (init: Record<string, string>) => new Headers(init);
const RETRY = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 2_000 };

describe('classifying failures from each SDK', () => {
  it('reads status, Retry-After and x-should-retry from the openai errors', () => {
    expect(classify(new RateLimitError(429, { message: 'slow down' }, undefined, h({ 'retry-after': '3' })))).toMatchObject({ retryable: true, unhealthy: true, status: 429, retryAfterMs: 3000 });
    expect(classify(new RateLimitError(429, undefined, undefined, h({ 'retry-after-ms': '250', 'retry-after': '9' })))).toMatchObject({ retryAfterMs: 250 });
    expect(classify(new InternalServerError(503, undefined, undefined, h({})))).toMatchObject({ retryable: true, unhealthy: true });
    expect(classify(new BadRequestError(400, undefined, undefined, h({})))).toMatchObject({ retryable: false, unhealthy: false });
    expect(classify(new AuthenticationError(401, undefined, undefined, h({})))).toMatchObject({ retryable: false, unhealthy: true });
    expect(classify(new InternalServerError(500, undefined, undefined, h({ 'x-should-retry': 'false' })))).toMatchObject({ retryable: false });
    expect(classify(new APIConnectionError({ message: 'Connection error.' }))).toMatchObject({ retryable: true, unhealthy: true });
  });

  it('reads statusCode and the raw headers from cohere-ai errors, and its timeouts', () => {
    const rawResponse = { headers: h({ 'retry-after': '1' }), status: 429, statusText: 'Too Many Requests', redirected: false, type: 'basic' as const, url: '' };
    expect(classify(new CohereError({ message: 'limit', statusCode: 429, rawResponse }))).toMatchObject({ retryable: true, status: 429, retryAfterMs: 1000 });
    expect(classify(new CohereError({ message: 'bad', statusCode: 422 }))).toMatchObject({ retryable: false, unhealthy: false });
    expect(classify(new CohereTimeoutError('Timeout exceeded when calling POST /v2/rerank.'))).toMatchObject({ retryable: true });
  });

  it('treats fetch failures and our own timeouts as retryable, an open circuit as neither', () => {
    expect(classify(new TypeError('fetch failed'))).toMatchObject({ retryable: true });
    expect(classify(new ProviderTimeoutError('x', 'llm', 10))).toMatchObject({ retryable: true, unhealthy: true });
    expect(classify(new CircuitOpenError('x', 10))).toMatchObject({ retryable: false, unhealthy: false });
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfter(h({ 'retry-after': '1.5' }), now)).toBe(1500);
    expect(retryAfter(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:04 GMT' }), now)).toBe(4000);
    expect(retryAfter(h({}), now)).toBeUndefined();
  });
});

describe('retries with full jitter', () => {
  it('waits a random share of an exponentially growing cap', () => {
    const f = { retryable: true, unhealthy: true };
    expect(backoff(f, 0, RETRY, () => 0.5)).toBe(50);
    expect(backoff(f, 2, RETRY, () => 0.5)).toBe(200);
    expect(backoff(f, 10, RETRY, () => 0.999)).toBe(999); // capped at maxDelayMs
    expect(backoff(f, 3, RETRY, () => 0)).toBe(0);
  });

  it('obeys Retry-After within the budget and refuses a longer one', () => {
    expect(backoff({ retryable: true, unhealthy: true, retryAfterMs: 1_500 }, 0, RETRY)).toBe(1_500);
    expect(backoff({ retryable: true, unhealthy: true, retryAfterMs: 2_500 }, 0, RETRY)).toBeNull();
  });

  it('retries what is retryable only, and stops at the bound', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    let calls = 0;
    const flaky = () => (++calls < 3 ? Promise.reject(new InternalServerError(502, undefined, undefined, h({}))) : Promise.resolve('ok'));
    expect(await withRetry(flaky, { ...RETRY, sleep, random: () => 1 })).toBe('ok');
    expect(waits).toEqual([100, 200]);

    calls = 0;
    await expect(withRetry(() => (calls++, Promise.reject(new BadRequestError(400, undefined, undefined, h({})))), { ...RETRY, sleep })).rejects.toBeInstanceOf(BadRequestError);
    expect(calls).toBe(1);

    calls = 0;
    await expect(withRetry(() => (calls++, Promise.reject(new TypeError('fetch failed'))), { ...RETRY, retries: 2, sleep })).rejects.toThrow('fetch failed');
    expect(calls).toBe(3);
  });

  it('stops retrying when the caller aborts', async () => {
    const ac = new AbortController();
    let calls = 0;
    const p = withRetry(
      () => (calls++, Promise.reject(new TypeError('fetch failed'))),
      { ...RETRY, baseDelayMs: 10_000, maxDelayMs: 10_000, random: () => 1 },
      { signal: ac.signal },
    );
    setTimeout(() => ac.abort(new Error('visitor left')), 20);
    await expect(p).rejects.toThrow('visitor left');
    expect(calls).toBe(1);
  });
});

describe('the circuit breaker', () => {
  it('opens after the threshold, refuses during the cool-down, admits one trial, then closes or re-opens', () => {
    let now = 0;
    const changes: string[] = [];
    const b = new CircuitBreaker('p', { failureThreshold: 3, cooldownMs: 1_000, clock: { now: () => now }, onChange: (s, p) => changes.push(`${p}->${s}`) });
    b.failure();
    b.failure();
    b.success(); // a success in between resets the count
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
    expect(() => b.admit()).toThrow(CircuitOpenError);
    now = 999;
    expect(() => b.admit()).toThrow(/paused for 1 s/);
    now = 1_000;
    expect(b.state).toBe('half-open');
    b.admit(); // the trial
    expect(() => b.admit()).toThrow(CircuitOpenError); // only one at a time
    b.failure(); // the trial failed: open again, for a new cool-down
    expect(b.state).toBe('open');
    now = 2_000;
    b.admit();
    b.success();
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['closed->open', 'half-open->open', 'half-open->closed']);
  });

  it('counts provider failures, not bad requests or the caller giving up', async () => {
    const policy = new ResiliencePolicy('p', { retries: 0, failureThreshold: 2, timeoutMs: 1_000 }, { clock: { now: () => 0 }, log: silentLogger });
    const fail = (err: unknown) => policy.run('x', () => Promise.reject(err)).catch(() => {});
    await fail(new BadRequestError(400, undefined, undefined, h({})));
    await fail(new BadRequestError(400, undefined, undefined, h({})));
    expect(policy.breaker.state).toBe('closed');
    await fail(new InternalServerError(500, undefined, undefined, h({})));
    await fail(new InternalServerError(500, undefined, undefined, h({})));
    expect(policy.breaker.state).toBe('open');
  });
});

describe('time budgets', () => {
  it('ends a call that ignores its signal', async () => {
    const t = Date.now();
    await expect(withTimeout(() => new Promise(() => {}), 50, { provider: 'p', stage: 's' })).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(Date.now() - t).toBeLessThan(500);
  });

  it('aborts the request behind a timed-out call', async () => {
    let seen: AbortSignal | null = null;
    await withTimeout((s) => ((seen = s), new Promise(() => {})), 30, { provider: 'p', stage: 's' }).catch(() => {});
    expect(seen!.aborted).toBe(true);
  });

  it('ends a stream whose next item is late, and tells the request to stop', async () => {
    let stopped = false;
    async function* slow() {
      yield 1;
      await new Promise((r) => setTimeout(r, 5_000));
      yield 2;
    }
    const got: number[] = [];
    const run = async () => {
      for await (const x of withIdleTimeout(slow(), { firstMs: 1_000, idleMs: 50 }, { provider: 'p', stage: 's' }, () => (stopped = true))) got.push(x);
    };
    await expect(run()).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(got).toEqual([1]);
    expect(stopped).toBe(true);
  });
});

describe('the rerank fallback', () => {
  it('orders the candidates with the local reranker when the cloud one fails, and says so', async () => {
    const warnings: Record<string, unknown>[] = [];
    const broken = { name: 'cohere:rerank-v3.5', rerank: () => Promise.reject(new InternalServerError(503, undefined, undefined, h({}))) };
    const r = new FallbackReranker(broken, new LocalReranker(), { ...silentLogger, warn: (_m, f) => void warnings.push(f!) });
    const out = await r.rerank('return policy days', [
      { id: 'a', title: 'Shipping', text: 'Standard shipping takes 3-5 days.' },
      { id: 'b', title: 'Returns', text: 'Our return policy gives you 60 days.' },
    ], 2);
    expect(out[0].id).toBe('b');
    expect(out.every((x) => x.score >= 0 && x.score <= 1)).toBe(true);
    expect(warnings[0]).toMatchObject({ stage: 'rerank', provider: 'cohere:rerank-v3.5' });
  });
});
