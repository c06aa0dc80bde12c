import { describe, expect, it } from 'vitest';
import { documentHash } from '../../../edge/ingest/hash';
import type { ParsedDocument } from '../../../edge/ingest/types';

const doc: ParsedDocument = { source: 'a.md', kind: 'doc', title: 'T', url: null, sections: [{ headings: ['T'], text: 'Body.' }] };
const settings = { maxTokens: 350, overlapTokens: 50, model: 'local-hash-384', dimensions: 384 };

describe('documentHash', () => {
  it('is a stable SHA-256 hex of content and settings', async () => {
    const h = await documentHash(doc, settings);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await documentHash(structuredClone(doc), { ...settings })).toBe(h);
  });

  it('changes with the text, title, url, chunker settings and embedding model', async () => {
    const h = await documentHash(doc, settings);
    const variants = await Promise.all([
      documentHash({ ...doc, sections: [{ headings: ['T'], text: 'Body!' }] }, settings),
      documentHash({ ...doc, title: 'U' }, settings),
      documentHash({ ...doc, url: '/a' }, settings),
      documentHash(doc, { ...settings, maxTokens: 300 }),
      documentHash(doc, { ...settings, model: 'other' }),
    ]);
    for (const v of variants) expect(v).not.toBe(h);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('ignores Unicode normalisation differences', async () => {
    const composed = { ...doc, sections: [{ headings: [], text: 'caf\u00e9' }] };
    const decomposed = { ...doc, sections: [{ headings: [], text: 'cafe\u0301' }] };
    expect(await documentHash(composed, settings)).toBe(await documentHash(decomposed, settings));
  });
});
