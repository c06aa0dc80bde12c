import { describe, expect, it } from 'vitest';
import { chunkIdsFor, documentIdFor, type ChunkContent } from '../../../edge/core/content-ids';

const row = (ord: number, content: string): ChunkContent => ({ kind: 'faq', ord, title: 'Returns', url: null, content, tokens: 4 });

describe('content ids', () => {
  it('names a document by its site and source: the same wherever it is ingested, another for another site or source', async () => {
    const id = await documentIdFor('shop', 'faq.md');
    expect(id).toMatch(/^doc_[0-9a-f]{32}$/);
    expect(await documentIdFor('shop', 'faq.md')).toBe(id);
    expect(await documentIdFor('other', 'faq.md')).not.toBe(id);
    expect(await documentIdFor('shop', 'faq2.md')).not.toBe(id);
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    expect(await documentIdFor('ab', 'c')).not.toBe(await documentIdFor('a', 'bc'));
  });

  it('names chunks by document, version and place: a row never changes under its id', async () => {
    const rows = [row(0, 'Returns within 30 days.'), row(1, 'Refunds in 5 days.')];
    const ids = await chunkIdsFor('doc_a', 'h1', rows);
    const [first, second] = [ids(0), ids(1)];
    expect(first).toMatch(/^ch_[0-9a-f]{32}$/);
    expect(second).toMatch(/^ch_[0-9a-f]{32}$/);
    expect(second).not.toBe(first);
    expect((await chunkIdsFor('doc_a', 'h1', rows))(0)).toBe(first);
    // Another document, another content hash (a new embedding model is one), or other rows under the same hash: new ids.
    expect((await chunkIdsFor('doc_b', 'h1', rows))(0)).not.toBe(first);
    expect((await chunkIdsFor('doc_a', 'h2', rows))(0)).not.toBe(first);
    expect((await chunkIdsFor('doc_a', 'h1', [row(0, 'Returns within 60 days.'), rows[1]]))(0)).not.toBe(first);
    expect((await chunkIdsFor('doc_a', 'h1', [{ ...rows[0], title: 'Refunds' }, rows[1]]))(0)).not.toBe(first);
  });
});
