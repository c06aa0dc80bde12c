import { describe, expect, it } from 'vitest';
import type { RerankCandidate } from '../../../edge/core/ports';
import { LocalReranker } from '../../../edge/providers/rerank/local';
import { withinOneEdit } from '../../../edge/text/typos';

const r = new LocalReranker();
const CANDIDATES: RerankCandidate[] = [
  { id: 'wool', title: 'Caring for your jacket', text: 'Our winter jackets are made from recycled wool. Machine wash them cold and dry flat.' },
  { id: 'ship', title: 'Shipping to Canada', text: 'Shipping to Canada usually takes 5 to 7 business days. Duties are included in the price at checkout.' },
  { id: 'ret', title: 'Returns', text: 'You can return any unworn item within 30 days of delivery for a full refund. Return shipping is free.' },
  { id: 'pay', title: 'Payment methods', text: 'We accept Visa, Mastercard, PayPal and Apple Pay. Payment is taken when your order ships.' },
];

describe('LocalReranker', () => {
  it('scores a clearly relevant passage above 0.6 and unrelated ones below 0.2', async () => {
    const ranked = await r.rerank('How long does shipping to Canada take?', CANDIDATES, 4);
    expect(ranked[0].id).toBe('ship');
    expect(ranked[0].score).toBeGreaterThan(0.6);
    for (const x of ranked.filter((x) => x.id === 'wool' || x.id === 'pay')) expect(x.score).toBeLessThan(0.2);

    const wash = await r.rerank('can I machine wash the wool jacket', CANDIDATES, 4);
    expect(wash[0]).toMatchObject({ id: 'wool' });
    expect(wash[0].score).toBeGreaterThan(0.6);

    const none = await r.rerank('do you sell bicycles', CANDIDATES, 4);
    for (const x of none) expect(x.score).toBeLessThan(0.2);
  });

  it('returns topN sorted by score, highest first', async () => {
    const ranked = await r.rerank('what is the refund policy for returns', CANDIDATES, 2);
    expect(ranked).toHaveLength(2);
    expect(ranked[0].id).toBe('ret');
    expect(ranked[0].score).toBeGreaterThanOrEqual(ranked[1].score);
    expect(await r.rerank('anything', [], 3)).toEqual([]);
    expect(await r.rerank('refund', CANDIDATES, 0)).toEqual([]);
  });

  it('keeps scores comparable: more of the question covered scores higher', () => {
    const [full, half, nothing] = r.scores('return shipping refund', [
      { id: 'a', title: 'Returns', text: 'Return shipping is free and your refund arrives in a week.' },
      { id: 'b', title: 'Returns', text: 'Return the item in its box.' },
      { id: 'c', title: 'Gift cards', text: 'Gift cards never expire.' },
    ]);
    expect(full).toBeGreaterThan(half);
    expect(half).toBeGreaterThan(nothing);
  });

  it('gives partial credit for one-letter typos and rewards title and phrase matches', () => {
    const [typo, clean] = r.scores('shiping canda', [CANDIDATES[1], CANDIDATES[1]]);
    const [exact] = r.scores('shipping canada', [CANDIDATES[1]]);
    expect(typo).toBeGreaterThan(0.2);
    expect(exact).toBeGreaterThan(typo);
    expect(clean).toBe(typo);
    const [titled, untitled] = r.scores('payment methods', [
      { id: 'x', title: 'Payment methods', text: 'We take several payment methods at checkout.' },
      { id: 'y', title: 'Checkout', text: 'We take several payment methods at checkout.' },
    ]);
    expect(titled).toBeGreaterThan(untitled);
    expect(withinOneEdit('shipe', 'ship')).toBe(true);
    expect(withinOneEdit('canda', 'canada')).toBe(true);
    expect(withinOneEdit('cart', 'card')).toBe(true);
    expect(withinOneEdit('cart', 'cards')).toBe(false);
  });

  it('gives no typo credit to a term with a digit: order 10234 is not order 10243', () => {
    const orders = [
      { id: 'a', title: 'Order 10243', text: 'Order 10243 shipped on Monday.' },
      { id: 'b', title: 'Orders', text: 'Order AB1235 shipped on Monday.' },
    ];
    const [near] = r.features('where is order 10234', orders);
    const [none] = r.features('where is order 99999', orders);
    expect(near.coverage).toBe(none.coverage);
    const [, nearCode] = r.features('where is order ab1234', orders);
    expect(nearCode.coverage).toBeLessThan(1);
    // The same near miss in letters is a typo, and gets its credit.
    const [letters] = r.features('where is order shiped', orders);
    const [unrelated] = r.features('where is order banana', orders);
    expect(letters.coverage).toBeGreaterThan(unrelated.coverage);
  });

  it('reads a candidate again when the same text comes under another title', () => {
    const text = 'Refunds arrive within five business days.';
    const [titled] = r.features('refund policy', [{ id: 'a', title: 'Refund policy', text }]);
    const [other] = r.features('refund policy', [{ id: 'a', title: 'Payments', text }]);
    expect(titled.title).toBeGreaterThan(0);
    expect(other.title).toBe(0);
  });

  it('reranks 20 candidates of ~80 words into the top n, best first (its speed: npm run bench)', async () => {
    const words = 'order shipping return refund days business customer product size color within item policy delivery package tracking email'.split(' ');
    const many: RerankCandidate[] = Array.from({ length: 20 }, (_, i) => ({
      id: `c${i}`,
      title: `Help article ${i}`,
      text: Array.from({ length: 80 }, (_, j) => words[(i * 7 + j * 5) % words.length]).join(' '),
    }));
    const top = await r.rerank('how long does delivery of my order take', many, 4);
    expect(top).toHaveLength(4);
    expect(new Set(top.map((x) => x.id)).size).toBe(4);
    for (let i = 1; i < top.length; i++) expect(top[i - 1].score).toBeGreaterThanOrEqual(top[i].score);
  });
});
