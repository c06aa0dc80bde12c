/**
 * `npm run ingest -- --reembed` without paths: the index is rebuilt for a new embedding model
 * from the chunks already stored, for every site, and then serves that model's queries.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexMismatchError, type Embedder } from '../../edge/core/ports';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { openEmbeddedStores } from '../../edge/runtime/node/stores';
import { reembedStored } from '../../edge/ingest/reembed';
import { ingest } from '../../edge/ingest/run';

/** Another "model": the local embedder's vectors folded to 32 dimensions. */
class FoldedEmbedder implements Embedder {
  readonly model = 'folded-32';
  readonly dimensions = 32;
  async embed(texts: string[], purpose: 'query' | 'document') {
    return (await new LocalEmbedder().embed(texts, purpose)).map((v) => {
      const out = new Float32Array(32);
      v.forEach((x, i) => (out[i % 32] += x));
      return out;
    });
  }
}

let stores: Awaited<ReturnType<typeof openEmbeddedStores>>;
const ROOT = resolve(import.meta.dirname, '../..');
beforeAll(async () => {
  stores = await openEmbeddedStores({ dataDir: null });
  const embedder = new LocalEmbedder();
  await stores.vectors.ensure({ model: embedder.model, dimensions: embedder.dimensions });
  await ingest({ ...stores, embedder }, { siteId: 'demo', paths: [resolve(ROOT, 'demo/data')], baseDir: ROOT, createSite: true });
  await ingest({ ...stores, embedder }, { siteId: 'other', paths: [resolve(ROOT, 'demo/data/docs/warranty.md')], baseDir: ROOT, createSite: true });
});
afterAll(() => stores?.close());

describe('re-embedding what is stored (real PGlite + pgvector)', () => {
  it('rebuilds every site for the new model from stored chunks, and the index serves it', async () => {
    const folded = new FoldedEmbedder();
    await expect(stores.vectors.ensure({ model: folded.model, dimensions: folded.dimensions })).rejects.toBeInstanceOf(IndexMismatchError);
    const chunks = (await stores.db.chunks.count('demo')) + (await stores.db.chunks.count('other'));
    const progress: number[] = [];
    const summary = await reembedStored({ ...stores, embedder: folded }, { onProgress: (done) => progress.push(done) });
    expect(summary).toMatchObject({ sites: 2, chunks });
    expect(progress.at(-1)).toBe(chunks);
    expect(await stores.vectors.info()).toEqual({ model: 'folded-32', dimensions: 32 });
    expect(await stores.vectors.count()).toBe(chunks);
    const [q] = await folded.embed(['What does the warranty cover?'], 'query');
    const hits = await stores.vectors.search('other', q, 3);
    expect(hits.length).toBeGreaterThan(0);
    const [top] = await stores.db.chunks.get([hits[0].chunkId]);
    expect(top.siteId).toBe('other');
  });
});
