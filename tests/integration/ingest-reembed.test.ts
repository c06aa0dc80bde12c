/**
 * ingest() when the embedder changes or fails: the index refuses a model it was not built
 * with, --reembed rebuilds it, and a failing embedder leaves stored documents as they were.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexMismatchError, type Embedder } from '../../edge/core/ports';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { openEmbeddedStores } from '../../edge/runtime/node/stores';
import { ingest, type IngestOptions } from '../../edge/ingest/run';

/** A second "model": the local embedder's vectors folded to 16 dimensions. */
class FoldedEmbedder implements Embedder {
  readonly model = 'folded-16';
  readonly dimensions = 16;
  async embed(texts: string[], purpose: 'query' | 'document') {
    return (await new LocalEmbedder().embed(texts, purpose)).map((v) => {
      const out = new Float32Array(16);
      v.forEach((x, i) => (out[i % 16] += x));
      return out;
    });
  }
}

/** The local embedder, except that it fails on any text containing `poison`. */
class PickyEmbedder extends LocalEmbedder {
  constructor(private readonly poison: string) {
    super();
  }
  override async embed(texts: string[], purpose: 'query' | 'document') {
    if (texts.some((t) => t.includes(this.poison))) throw new Error('embedding service unavailable');
    return super.embed(texts, purpose);
  }
}

let stores: Awaited<ReturnType<typeof openEmbeddedStores>>;
let dir: string;
const siteId = 'shop';
const run = (embedder: Embedder, opts: Partial<IngestOptions> = {}) =>
  ingest({ db: stores.db, vectors: stores.vectors, embedder }, { siteId, paths: [dir], baseDir: dir, createSite: true, ...opts });
const vectorDims = async () => {
  const { rows } = await stores.pg.query<{ d: number; n: number }>('SELECT vector_dims(embedding) AS d, count(*)::int AS n FROM chunk_vectors GROUP BY 1');
  return rows;
};

beforeAll(async () => {
  stores = await openEmbeddedStores({ dataDir: null });
  dir = mkdtempSync(join(tmpdir(), 'ingest-reembed-'));
  cpSync('demo/data', dir, { recursive: true });
});
afterAll(async () => {
  await stores?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ingest with another or a failing embedder', () => {
  it('refuses another model until --reembed, which rebuilds every vector', async () => {
    const first = await run(new LocalEmbedder());
    const total = first.documents.added;
    expect(await vectorDims()).toEqual([{ d: 384, n: first.chunks }]);

    await expect(run(new FoldedEmbedder())).rejects.toThrow(IndexMismatchError);
    expect(await vectorDims()).toEqual([{ d: 384, n: first.chunks }]);

    const rebuilt = await run(new FoldedEmbedder(), { reembed: true });
    expect(rebuilt.failed).toEqual([]);
    expect(rebuilt.documents).toEqual({ added: 0, updated: total, unchanged: 0, removed: 0 });
    expect(rebuilt.chunks).toBe(first.chunks);
    expect(await stores.vectors.info()).toEqual({ model: 'folded-16', dimensions: 16 });
    expect(await vectorDims()).toEqual([{ d: 16, n: first.chunks }]);

    // The hash covers the model: the same files under the new model are now unchanged.
    const again = await run(new FoldedEmbedder());
    expect(again.documents.unchanged).toBe(total);

    // Re-embedding from a sub-folder warns about the documents it could not reach.
    const partial = await run(new LocalEmbedder(), { reembed: true, paths: [join(dir, 'docs')] });
    expect(partial.documents.updated).toBe(5);
    expect(partial.warnings).toEqual([expect.stringMatching(/^45 stored documents were not re-embedded/)]);
    await run(new LocalEmbedder(), { reembed: true });
  });

  it('keeps the stored version of a document whose embedding fails, and stores the rest', async () => {
    const before = await stores.db.documents.get(siteId, 'docs/shipping.md');
    const shippingPath = join(dir, 'docs/shipping.md');
    writeFileSync(shippingPath, readFileSync(shippingPath, 'utf8').replace('Bozeman, Montana', 'Missoula, Montana'));
    writeFileSync(join(dir, 'docs/new.md'), '# Gift cards\n\nDigital gift cards never expire.');

    const summary = await run(new PickyEmbedder('Missoula'), { batchSize: 4 });
    expect(summary.failed).toEqual([{ file: 'docs/shipping.md', error: 'could not embed or store: embedding service unavailable' }]);
    expect(summary.documents.added).toBe(1);
    expect(await stores.db.documents.get(siteId, 'docs/shipping.md')).toEqual(before);
    expect(await stores.db.documents.get(siteId, 'docs/new.md')).toMatchObject({ title: 'Gift cards' });

    const retry = await run(new LocalEmbedder());
    expect(retry.failed).toEqual([]);
    expect(retry.documents).toMatchObject({ added: 0, updated: 1 });
  });
});
