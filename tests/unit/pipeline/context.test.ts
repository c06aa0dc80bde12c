import { describe, expect, it } from 'vitest';
import type { ChunkRow } from '../../../edge/core/ports';
import { countTokens } from '../../../edge/core/tokens';
import { renderSources } from '../../../edge/core/sources';
import { buildContext } from '../../../edge/pipeline/context';

const SENTENCES = [
  'Orders ship within two business days from our warehouse.',
  'Standard delivery takes three to five days in the continental US.',
  'Express delivery arrives the next business day when ordered before noon.',
  'You can return unworn items within thirty days for a full refund.',
  'Refunds go back to the original payment method within a week.',
  'Gift cards never expire and can be used on any product.',
  'Our jackets are made from recycled wool and are machine washable.',
  'We accept Visa, Mastercard, PayPal and Apple Pay at checkout.',
];

function chunk(id: string, documentId: string, ord: number, sentences: number, title = `Doc ${documentId}`): ChunkRow {
  const content = Array.from({ length: sentences }, (_, i) => SENTENCES[(ord * 3 + i + documentId.length) % SENTENCES.length]).join(' ');
  return { id, documentId, siteId: 's', kind: 'doc', ord, title, url: `https://shop.example/${documentId}`, content, tokens: countTokens(content) };
}

describe('buildContext', () => {
  it('numbers sources 1..n in rank order, one per document, and merges chunks of a document', () => {
    const ranked = [
      { chunk: chunk('a2', 'A', 2, 2), score: 0.9 },
      { chunk: chunk('b0', 'B', 0, 2), score: 0.8 },
      { chunk: chunk('a0', 'A', 0, 2), score: 0.7 },
      { chunk: chunk('c0', 'CC', 0, 2), score: 0.6 },
    ];
    const sources = buildContext(ranked, 2000);
    expect(sources.map((s) => s.n)).toEqual([1, 2, 3]);
    expect(sources.map((s) => s.title)).toEqual(['Doc A', 'Doc B', 'Doc CC']);
    expect(sources[0].url).toBe('https://shop.example/A');
    // Document A's passages read in document order (ord 0 before ord 2).
    expect(sources[0].text.indexOf(ranked[2].chunk.content)).toBe(0);
    expect(sources[0].text).toContain(ranked[0].chunk.content);
  });

  it('follows the scores, not the input order', () => {
    const ranked = [
      { chunk: chunk('x', 'X', 0, 1), score: 0.2 },
      { chunk: chunk('y', 'Y', 0, 1), score: 0.9 },
    ];
    expect(buildContext(ranked, 1000).map((s) => s.title)).toEqual(['Doc Y', 'Doc X']);
  });

  it('drops a chunk repeating the same text of the same document', () => {
    const a = chunk('a', 'A', 0, 2);
    const dup = { ...a, id: 'a-dup', ord: 5, content: `  ${a.content.toUpperCase()}\n` };
    const sources = buildContext([{ chunk: a, score: 0.9 }, { chunk: dup, score: 0.8 }], 1000);
    expect(sources).toHaveLength(1);
    expect(sources[0].text).toBe(a.content);
  });

  it('never exceeds the token budget and cuts the last passage to fit', () => {
    for (const budget of [64, 100, 150, 333, 500, 1500]) {
      const ranked = Array.from({ length: 20 }, (_, i) => ({ chunk: chunk(`c${i}`, `D${i % 7}`, i, 6 + (i % 5)), score: 1 - i / 40 }));
      const sources = buildContext(ranked, budget);
      expect(sources.length).toBeGreaterThan(0);
      const used = countTokens(renderSources(sources));
      expect(used, `budget ${budget}`).toBeLessThanOrEqual(budget);
      // The budget is used, not wasted: within a passage's worth of it.
      expect(used, `budget ${budget}`).toBeGreaterThan(budget - 130);
    }
    const one = buildContext([{ chunk: chunk('big', 'Big', 0, 40), score: 1 }], 80);
    expect(one).toHaveLength(1);
    expect(countTokens(renderSources(one))).toBeLessThanOrEqual(80);
    // Cut on a word (here a sentence) boundary, not mid-word.
    expect(one[0].text).toMatch(/\.$/);
  });

  it('returns no sources when nothing fits or nothing is given', () => {
    expect(buildContext([], 1000)).toEqual([]);
    expect(buildContext([{ chunk: chunk('a', 'A', 0, 10), score: 1 }], 10)).toEqual([]);
  });

  it('fits 20 candidates into the budget (its speed: npm run bench)', () => {
    const ranked = Array.from({ length: 20 }, (_, i) => ({ chunk: chunk(`c${i}`, `D${i}`, i, 5), score: 1 - i / 40 }));
    const sources = buildContext(ranked, 300);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.length).toBeLessThan(20);
    expect(countTokens(renderSources(sources))).toBeLessThanOrEqual(300);
  });
});
