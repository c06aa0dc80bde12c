import { describe, expect, it } from 'vitest';
import type { AnswerPart, Source } from '../../../edge/core/ports';
import { AnswerClosing, type PreparedAnswer } from '../../../edge/pipeline';

const sources: Source[] = [
  { n: 1, title: 'Returns', url: '/help/returns', text: 'Items can be returned within 30 days.', kind: 'faq' },
  { n: 2, title: 'Shipping', text: 'Standard shipping takes 3–5 business days.', kind: 'faq' },
];

function prepared(over: Partial<PreparedAnswer> = {}): PreparedAnswer {
  return {
    intent: 'return_refund',
    normalized: 'how long do i have to return',
    language: 'en',
    sources,
    confidence: 0.81234,
    handoff: false,
    wantsPerson: false,
    text: (async function* () {})(),
    cacheKey: 'answer:test',
    timings: {},
    ...over,
  };
}

function run(parts: AnswerPart[], p = prepared(), failed = false) {
  const closing = new AnswerClosing();
  closing.begin(p);
  let text = parts.map((part) => closing.take(part)).join('');
  text += closing.flush();
  return { text, closed: closing.close(text, failed) };
}

describe("the answer's closing steps (pipeline/closing)", () => {
  it('renumbers citations as read, drops markers of no source, and offers what the cache may keep', () => {
    const { text, closed } = run([
      { type: 'text', text: 'Ship in 3–5 days [2], return within 30 [1' },
      { type: 'text', text: '] days [7].' },
    ]);
    expect(text).toBe('Ship in 3–5 days [1], return within 30 [2] days.');
    expect(closed.citations.map((c) => [c.n, c.title])).toEqual([
      [1, 'Shipping'],
      [2, 'Returns'],
    ]);
    expect(closed.confidence).toBe(0.812);
    expect(closed.handoff).toBe(false);
    expect(closed.cache?.key).toBe('answer:test');
    expect(closed.cache?.answer.sources.map((s) => s.n)).toEqual([1, 2]);
  });

  it('is told of a fallback by a typed part, and then keeps the answer out of the cache', () => {
    const { text, closed } = run([{ type: 'fallback', from: 'openai' }, { type: 'text', text: 'Returns are free within 30 days [1].' }]);
    expect(text).toBe('Returns are free within 30 days [1].');
    expect(closed.citations).toHaveLength(1);
    expect(closed.cache).toBeNull();
  });

  it('counts tokens and their cost, and makes sources found by tools citable', () => {
    const { closed } = run([
      { type: 'source', source: { n: 3, title: 'Order 10421', text: 'Shipped on 2 May.', kind: 'doc' } },
      { type: 'usage', usage: { model: 'gpt-4o-mini', promptTokens: 1000, completionTokens: 100 } },
      { type: 'text', text: 'Your order shipped on 2 May [3].' },
    ]);
    expect(closed.citations.map((c) => c.title)).toEqual(['Order 10421']);
    expect(closed.usage).toMatchObject({ model: 'gpt-4o-mini', promptTokens: 1000, completionTokens: 100, embeddingTokens: 0 });
    expect(closed.usage!.costUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
  });

  it('offers a person when sources were given and none was cited, or the answer failed', () => {
    expect(run([{ type: 'text', text: 'I could not find that in our help content.' }]).closed.handoff).toBe(true);
    const failed = run([{ type: 'text', text: 'Returns are' }], prepared(), true).closed;
    expect(failed).toMatchObject({ handoff: true, confidence: 0, cache: null });
    const never = new AnswerClosing();
    expect(never.failureNotice('')).toMatch(/\S/);
    expect(never.close('', true)).toMatchObject({ intent: 'other', handoff: true, confidence: 0, citations: [], cache: null, usage: null });
  });
});
