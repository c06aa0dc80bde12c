import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexMismatchError, type VectorItem } from '../../../edge/core/ports';
import { silentLogger } from '../../../edge/ops/logger';
import { ResiliencePolicy } from '../../../edge/core/resilience/policy';
import { pointId } from '../../../edge/stores/vectors/qdrant-names';
import { QdrantVectorStore } from '../../../edge/stores/vectors/qdrant';
import { startQdrantFake, type QdrantFake } from '../../fakes/qdrant-server';

const KEY = 'qdrant-test-key';
let fake: QdrantFake;
beforeAll(async () => {
  fake = await startQdrantFake({ apiKey: KEY });
});
afterAll(() => fake.close());

const store = (prefix: string) =>
  new QdrantVectorStore({
    url: fake.url,
    apiKey: KEY,
    prefix,
    batchSize: 3,
    policy: new ResiliencePolicy('qdrant', { timeoutMs: 1_000, retries: 2, baseDelayMs: 5, maxDelayMs: 10 }, { clock: { now: () => Date.now() }, log: silentLogger }),
  });

const unit = (...xs: number[]) => {
  const v = Float32Array.from(xs);
  const n = Math.hypot(...xs);
  return v.map((x) => x / n);
};
const item = (chunkId: string, siteId: string, documentId: string, vector: Float32Array): VectorItem => ({ chunkId, siteId, documentId, kind: 'faq', vector });

describe('QdrantVectorStore over the Qdrant REST API', () => {
  it('creates a collection for the model behind an alias, with payload indexes and the model recorded', async () => {
    const s = store('shop');
    expect(await s.info()).toBeNull();
    await s.ensure({ model: 'text-embedding-3-small', dimensions: 4 });
    expect(fake.aliases.get('shop')).toBe('shop__text-embedding-3-small__4');
    const c = fake.collections.get('shop__text-embedding-3-small__4')!;
    expect(c).toMatchObject({ size: 4, distance: 'Cosine', metadata: { model: 'text-embedding-3-small', dimensions: 4 } });
    expect(c.indexes).toEqual({ site_id: { type: 'keyword', is_tenant: true }, document_id: { type: 'keyword' }, kind: { type: 'keyword' } });
    expect(await s.info()).toEqual({ model: 'text-embedding-3-small', dimensions: 4 });
    expect(fake.requests.every((r) => r.headers['api-key'] === KEY)).toBe(true);
    // Ensuring again (a restart) keeps the collection.
    await store('shop').ensure({ model: 'text-embedding-3-small', dimensions: 4 });
    expect(fake.collections.size).toBe(1);
  });

  it('two processes ensuring the same new index at once both end up using it', async () => {
    const info = { model: 'm', dimensions: 4 };
    const [a, b, c] = [store('race'), store('race'), store('race')];
    await Promise.all([a.ensure(info), b.ensure(info), c.ensure(info)]);
    for (const s of [a, b, c]) expect(await s.info()).toEqual(info);
    expect(fake.aliases.get('race')).toBe('race__m__4');
    expect([...fake.collections.keys()].filter((k) => k.startsWith('race'))).toEqual(['race__m__4']);
  });

  it('upserts in batches, searches by cosine within one site, and deletes by document', async () => {
    const s = store('search');
    await s.ensure({ model: 'm', dimensions: 3 });
    const before = fake.requests.length;
    await s.upsert([
      item('ch_a', 'demo', 'd1', unit(1, 0, 0)),
      item('ch_b', 'demo', 'd1', unit(1, 1, 0)),
      item('ch_c', 'demo', 'd2', unit(0, 1, 0)),
      item('ch_d', 'other', 'd3', unit(1, 0, 0)),
      item('ch_e', 'demo', 'd2', unit(0, 0, 1)),
    ]);
    const upserts = fake.requests.slice(before).filter((r) => r.method === 'PUT' && r.path.endsWith('/points'));
    expect(upserts.map((r) => (r.body as { points: unknown[] }).points.length)).toEqual([3, 2]);
    expect(upserts[0].query.get('wait')).toBe('true');
    expect((upserts[0].body as { points: { id: string; payload: unknown }[] }).points[0]).toEqual(
      expect.objectContaining({ id: await pointId('ch_a'), payload: { chunk_id: 'ch_a', site_id: 'demo', document_id: 'd1', kind: 'faq' } }),
    );

    const hits = await s.search('demo', unit(1, 0.2, 0), 3);
    expect(hits.map((h) => h.chunkId)).toEqual(['ch_a', 'ch_b', 'ch_c']);
    expect(hits[0].score).toBeCloseTo(1 / Math.hypot(1, 0.2), 5);
    expect(await s.count('demo')).toBe(4);
    expect(await s.count()).toBe(5);

    // Re-upserting a chunk replaces it rather than adding one.
    await s.upsert([item('ch_a', 'demo', 'd1', unit(0, 0, 1))]);
    expect(await s.count()).toBe(5);

    await s.deleteByDocuments(['d1']);
    expect((await s.search('demo', unit(1, 0, 0), 10)).map((h) => h.chunkId).sort()).toEqual(['ch_c', 'ch_e']);
    expect(await s.count('other')).toBe(1);
  });

  it('refuses another model, naming the re-embed command, and reset() switches to a fresh collection', async () => {
    const s = store('mismatch');
    await s.ensure({ model: 'local-hash-384', dimensions: 3 });
    await s.upsert([item('ch_x', 'demo', 'd1', unit(1, 0, 0))]);
    const other = store('mismatch');
    const err = await other.ensure({ model: 'text-embedding-3-small', dimensions: 1536 }).catch((e) => e);
    expect(err).toBeInstanceOf(IndexMismatchError);
    expect(err.message).toMatch(/built with local-hash-384 \(3 dimensions\).*npm run ingest -- --reembed/);
    await expect(other.search('demo', new Float32Array(1536), 3)).rejects.toThrow(/ensure\(\)/);

    await other.reset({ model: 'text-embedding-3-small', dimensions: 1536 });
    expect(fake.aliases.get('mismatch')).toBe('mismatch__text-embedding-3-small__1536');
    expect(fake.collections.has('mismatch__local-hash-384__3')).toBe(false);
    expect(await other.count()).toBe(0);
    expect(await store('mismatch').info()).toEqual({ model: 'text-embedding-3-small', dimensions: 1536 });
  });

  it('refuses vectors of the wrong size before sending them', async () => {
    const s = store('dims');
    await s.ensure({ model: 'm', dimensions: 3 });
    await expect(s.upsert([item('ch_1', 'demo', 'd', new Float32Array(4))])).rejects.toThrow(/4 dimensions; the index holds 3/);
    await expect(s.search('demo', new Float32Array(2), 1)).rejects.toThrow(/2 dimensions/);
  });

  it('retries a 503 from Qdrant and reports a search that keeps failing', async () => {
    const s = store('flaky');
    await s.ensure({ model: 'm', dimensions: 2 });
    await s.upsert([item('ch_1', 'demo', 'd', unit(1, 0))]);
    fake.fail(/points\/query$/, { status: 503, message: 'Service unavailable' });
    expect((await s.search('demo', unit(1, 0), 1))[0].chunkId).toBe('ch_1');
    for (let i = 0; i < 3; i++) fake.fail(/points\/query$/, { status: 500 });
    await expect(s.search('demo', unit(1, 0), 1)).rejects.toMatchObject({ status: 500 });
  });
});
