/**
 * What the resilience policy and the fallbacks tell the metrics (core/metrics.ts): a call
 * counted once whatever its retries, each retry, a breaker opening and closing, and an
 * answer or rerank served by the embedded fallback.
 */
import { describe, expect, it } from 'vitest';
import type { CounterName, GaugeName, Metrics } from '../../../edge/core/metrics';
import { ResiliencePolicy } from '../../../edge/core/resilience/policy';
import { FallbackLlm, FallbackReranker } from '../../../edge/providers/resilience/fallback';
import type { Llm, Reranker } from '../../../edge/core/ports';
import { ExtractiveAnswerer } from '../../../edge/providers/llm/extractive';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function recorder() {
  const counts = new Map<string, number>();
  const gauges = new Map<string, number>();
  const key = (name: string, labels: object) => `${name}${JSON.stringify(labels)}`;
  const metrics: Metrics = {
    inc: (name: CounterName, labels: object, by = 1) => void counts.set(key(name, labels), (counts.get(key(name, labels)) ?? 0) + by),
    set: (name: GaugeName, labels: object, value: number) => void gauges.set(key(name, labels), value),
    add: () => {},
    observe: () => {},
  } as Metrics;
  return { metrics, count: (name: string, labels: object) => counts.get(key(name, labels)) ?? 0, gauge: (name: string, labels: object) => gauges.get(key(name, labels)) };
}

const serverError = () => Object.assign(new Error('upstream 503'), { status: 503 });

describe('provider metrics', () => {
  it('counts a call once, its retries apart, and the breaker opening and closing', async () => {
    const r = recorder();
    let now = 0;
    const policy = new ResiliencePolicy(
      'cohere',
      { timeoutMs: 1_000, retries: 2, baseDelayMs: 1, maxDelayMs: 1, failureThreshold: 2, cooldownMs: 1_000 },
      { clock: { now: () => now }, log: silent, random: () => 0, sleep: async () => {}, metrics: r.metrics },
    );
    let fails = 1;
    expect(await policy.run('rerank', async () => (fails-- > 0 ? Promise.reject(serverError()) : 'ok'))).toBe('ok');
    expect(r.count('support_chat_provider_calls_total', { provider: 'cohere', stage: 'rerank', outcome: 'ok' })).toBe(1);
    expect(r.count('support_chat_provider_retries_total', { provider: 'cohere', stage: 'rerank' })).toBe(1);

    for (let i = 0; i < 2; i++) await expect(policy.run('rerank', () => Promise.reject(serverError()))).rejects.toThrow('503');
    expect(r.count('support_chat_provider_calls_total', { provider: 'cohere', stage: 'rerank', outcome: 'error' })).toBe(2);
    expect(r.gauge('support_chat_breaker_open', { provider: 'cohere' })).toBe(1);
    now += 2_000;
    await policy.run('rerank', async () => 'ok');
    expect(r.gauge('support_chat_breaker_open', { provider: 'cohere' })).toBe(0);
  });

  it('counts an answer and a rerank the embedded fallback served', async () => {
    const r = recorder();
    const broken: Llm = {
      name: 'openai',
      // eslint-disable-next-line require-yield
      async *stream() {
        throw serverError();
      },
    } as unknown as Llm;
    const llm = new FallbackLlm(broken, new ExtractiveAnswerer(), silent, r.metrics);
    const parts = [];
    for await (const p of llm.stream({ question: 'How long is shipping?', intent: 'product_question', language: 'en', sources: [], history: [] } as never)) parts.push(p);
    expect(parts.some((p) => p.type === 'fallback')).toBe(true);
    expect(r.count('support_chat_fallbacks_total', { provider: 'openai' })).toBe(1);

    const failing: Reranker = { name: 'cohere', rerank: () => Promise.reject(serverError()) } as unknown as Reranker;
    const local: Reranker = { name: 'local', rerank: async () => [] } as unknown as Reranker;
    await new FallbackReranker(failing, local, silent, r.metrics).rerank('q', [], 3);
    expect(r.count('support_chat_fallbacks_total', { provider: 'cohere' })).toBe(1);
  });
});
