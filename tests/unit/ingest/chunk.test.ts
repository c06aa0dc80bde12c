import { describe, expect, it } from 'vitest';
import { chunkDocument, titlePath } from '../../../edge/ingest/chunk';
import type { ParsedDocument } from '../../../edge/ingest/types';
import { countTokens } from '../../../edge/core/tokens';

const WORDS = ['tent', 'stove', 'filter', 'quilt', 'pack', 'jacket', 'pole', 'pad'];
function sentence(i: number): string {
  return `Sentence ${i} explains how the ${WORDS[i % WORDS.length]} behaves on trip number ${i * 7} in cold weather.`;
}
function paragraphs(count: number, perParagraph: number, from = 0): string {
  return Array.from({ length: count }, (_, p) =>
    Array.from({ length: perParagraph }, (_, s) => sentence(from + p * perParagraph + s)).join(' '),
  ).join('\n\n');
}
function doc(text: string, extra: Partial<ParsedDocument> = {}): ParsedDocument {
  return { source: 'a.md', kind: 'doc', title: 'Guide', url: '/g', sections: [{ headings: ['Guide', 'Care'], text }], ...extra };
}

describe('chunkDocument', () => {
  it('keeps a section that fits as one chunk with the heading path as title', () => {
    const chunks = chunkDocument({
      source: 'r.md',
      kind: 'doc',
      title: 'Returns',
      url: '/help/returns',
      sections: [
        { headings: ['Returns'], text: 'Intro.' },
        { headings: ['Returns', 'Refund timing'], text: 'Five business days.' },
        { headings: ['Returns', 'Empty'], text: '   ' },
      ],
    });
    expect(chunks).toEqual([
      { ord: 0, title: 'Returns', url: '/help/returns', content: 'Intro.', tokens: countTokens('Intro.') },
      { ord: 1, title: 'Returns › Refund timing', url: '/help/returns', content: 'Five business days.', tokens: countTokens('Five business days.') },
    ]);
  });

  it('builds title paths without repeating the document title', () => {
    expect(titlePath('Returns', ['Returns', 'Refunds', 'Banks'])).toBe('Returns › Refunds › Banks');
    expect(titlePath('Care guide', ['Tents'])).toBe('Care guide › Tents');
    expect(titlePath('FAQ', [])).toBe('FAQ');
  });

  it.each([
    ['short paragraphs', 12, 3],
    ['paragraphs longer than a chunk', 3, 12],
  ])('splits a long section (%s) within the token bound, with overlap, covering every sentence', (_, count, per) => {
    const text = paragraphs(count, per);
    const chunks = chunkDocument(doc(text), { maxTokens: 120, overlapTokens: 30 });
    expect(chunks.length).toBeGreaterThan(5);
    chunks.forEach((c, i) => {
      expect(c.ord).toBe(i);
      expect(c.title).toBe('Guide › Care');
      expect(c.content.trim()).not.toBe('');
      expect(c.tokens).toBe(countTokens(c.content));
      expect(c.tokens).toBeLessThanOrEqual(120);
    });
    for (let i = 0; i < count * per; i++) expect(chunks.some((c) => c.content.includes(sentence(i)))).toBe(true);
    // Each chunk opens with the last sentences of the one before, within the overlap budget.
    for (let i = 1; i < chunks.length; i++) {
      const first = chunks[i].content.split(/(?<=\.)\s+/)[0];
      expect(chunks[i - 1].content).toContain(first);
      const shared = chunks[i].content.slice(0, chunks[i].content.indexOf(first) + first.length);
      expect(countTokens(shared)).toBeLessThanOrEqual(30);
    }
  });

  it('breaks between paragraphs when they fit, and has no overlap when asked for none', () => {
    const text = paragraphs(9, 3);
    const chunks = chunkDocument(doc(text), { maxTokens: 150, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.content).join('\n\n')).toBe(text);
    for (const c of chunks) expect(c.content.split('\n\n').every((p) => text.split('\n\n').includes(p))).toBe(true);
  });

  it('cuts a sentence or a word longer than the bound', () => {
    const longSentence = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const blob = 'x'.repeat(3000);
    for (const text of [longSentence, blob]) {
      const chunks = chunkDocument(doc(text), { maxTokens: 60, overlapTokens: 10 });
      expect(chunks.length).toBeGreaterThan(2);
      for (const c of chunks) {
        expect(c.tokens).toBeLessThanOrEqual(60);
        expect(c.content.trim()).not.toBe('');
      }
    }
    const chunks = chunkDocument(doc(blob), { maxTokens: 60, overlapTokens: 0 });
    expect(chunks.map((c) => c.content).join('')).toBe(blob);
  });

  it('keeps an FAQ entry whole when it fits, and splits one that does not', () => {
    const question = 'How do I wash my down sleeping bag?';
    const answer = paragraphs(1, 14);
    const faq: ParsedDocument = { source: 'faq.csv#x', kind: 'faq', title: question, url: null, sections: [{ headings: [], text: `${question}\n${answer}` }] };
    const tokens = countTokens(`${question}\n${answer}`);
    expect(tokens).toBeGreaterThan(200);
    expect(chunkDocument(faq, { maxTokens: tokens })).toEqual([{ ord: 0, title: question, url: null, content: `${question}\n${answer}`, tokens }]);
    const split = chunkDocument(faq, { maxTokens: 100, overlapTokens: 20 });
    expect(split.length).toBeGreaterThan(2);
    expect(split.every((c) => c.title === question && c.tokens <= 100)).toBe(true);
  });

  it('uses the defaults of 350 tokens with 50 overlap', () => {
    const chunks = chunkDocument(doc(paragraphs(40, 5)));
    expect(Math.max(...chunks.map((c) => c.tokens))).toBeLessThanOrEqual(350);
    expect(Math.max(...chunks.map((c) => c.tokens))).toBeGreaterThan(250);
  });
});
