import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { IndexMismatchError, type ChunkRow, type Db, type VectorItem } from '../../../edge/core/ports';
import { openPglite } from '../../../edge/stores/db/pglite';
import { PgVectorStore, toVectorLiteral } from '../../../edge/stores/vectors/pgvector';

const DIM = 8;
const MODEL = { model: 'test-embed', dimensions: DIM };
let pg: PGlite;
let db: Db;
let store: PgVectorStore;

/** A unit vector mostly along axis `axis`, nudged by `tilt` towards the next one. */
function unit(axis: number, tilt = 0): Float32Array {
  const v = new Float32Array(DIM);
  v[axis % DIM] = 1;
  v[(axis + 1) % DIM] = tilt;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

async function addDoc(siteId: string, id: string, n: number): Promise<ChunkRow[]> {
  return db.documents.replace(
    { id, siteId, source: `${id}.md`, kind: 'doc', title: id, url: null, hash: 'h' },
    Array.from({ length: n }, (_, i) => ({ kind: 'doc' as const, ord: i, title: id, url: null, content: `${id} ${i}`, tokens: 2 })),
  );
}
const items = (rows: ChunkRow[], vec: (i: number) => Float32Array): VectorItem[] =>
  rows.map((c, i) => ({ chunkId: c.id, siteId: c.siteId, documentId: c.documentId, kind: c.kind, vector: vec(i) }));

beforeAll(async () => {
  ({ pg, db } = await openPglite(null));
  store = new PgVectorStore(pg);
});
afterAll(() => db.close());

describe('PgVectorStore', () => {
  it('refuses use before ensure, then records the model', async () => {
    expect(await store.info()).toBeNull();
    await expect(store.search('s', unit(0), 3)).rejects.toThrow(/ensure/);
    await store.ensure(MODEL);
    await store.ensure(MODEL); // idempotent
    expect(await store.info()).toEqual(MODEL);
    const { rows } = await pg.query<{ v: string }>(`select current_setting('hnsw.ef_search') as v`);
    expect(rows[0].v).toBe('100');
  });

  it('refuses another model or dimension with IndexMismatchError', async () => {
    const other = new PgVectorStore(pg);
    await expect(other.ensure({ model: 'other-model', dimensions: DIM })).rejects.toBeInstanceOf(IndexMismatchError);
    const err = await other.ensure({ model: 'test-embed', dimensions: 16 }).catch((e) => e);
    expect(err).toBeInstanceOf(IndexMismatchError);
    expect(err.built).toEqual(MODEL);
    expect(err.message).toMatch(/--reembed/);
  });

  it('upserts, searches by cosine similarity, and updates on conflict', async () => {
    const rows = await addDoc('s1', 'doc-a', 4);
    await store.upsert(items(rows, (i) => unit(i)));
    const hits = await store.search('s1', unit(2, 0.1), 4);
    expect(hits[0].chunkId).toBe(rows[2].id);
    expect(hits[0].score).toBeCloseTo(1 / Math.hypot(1, 0.1), 5);
    expect(hits[1].chunkId).toBe(rows[3].id);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
    expect((await store.search('s1', unit(5), 2)).length).toBe(2);
    // Re-embed chunk 0 to point where chunk 2 points: it now ties for first.
    await store.upsert(items(rows.slice(0, 1), () => unit(2)));
    const again = await store.search('s1', unit(2), 2);
    expect(new Set(again.map((h) => h.chunkId))).toEqual(new Set([rows[0].id, rows[2].id]));
    expect(again[0].score).toBeCloseTo(1, 5);
    expect(await store.count('s1')).toBe(4);
  });

  it('keeps sites apart', async () => {
    const rows = await addDoc('s2', 'doc-b', 2);
    await store.upsert(items(rows, () => unit(2)));
    const s1 = await store.search('s1', unit(2), 10);
    const s2 = await store.search('s2', unit(2), 10);
    expect(s1.map((h) => h.chunkId)).not.toContain(rows[0].id);
    expect(new Set(s2.map((h) => h.chunkId))).toEqual(new Set(rows.map((r) => r.id)));
    expect(await store.search('nobody', unit(2), 10)).toEqual([]);
  });

  it('deletes by document, and loses vectors when their chunks are replaced or deleted', async () => {
    const a = await addDoc('s3', 'doc-c', 3);
    const b = await addDoc('s3', 'doc-d', 3);
    await store.upsert([...items(a, (i) => unit(i)), ...items(b, (i) => unit(i))]);
    expect(await store.count('s3')).toBe(6);
    await store.deleteByDocuments(['doc-c']);
    expect(await store.count('s3')).toBe(3);
    await store.deleteByDocuments([]);
    // Replacing doc-d's chunks drops the old vectors through the foreign key.
    await addDoc('s3', 'doc-d', 1);
    expect(await store.count('s3')).toBe(0);
    // A vector for a chunk that does not exist is refused.
    await expect(store.upsert([{ ...items(a, () => unit(0))[0], chunkId: 'ch_none' }])).rejects.toThrow();
  });

  it('rejects vectors of the wrong size and non-finite values', async () => {
    const [row] = await addDoc('s4', 'doc-e', 1);
    await expect(store.upsert([{ ...items([row], () => unit(0))[0], vector: new Float32Array(3) }])).rejects.toThrow(/dimensions/);
    await expect(store.search('s4', new Float32Array(3), 1)).rejects.toThrow(/dimensions/);
    expect(() => toVectorLiteral(Float32Array.of(1, NaN))).toThrow(/non-finite/);
  });

  it('loads a large batch through the bulk path, rebuilds the HNSW index and refreshes statistics', async () => {
    const rows = await addDoc('bulk', 'doc-bulk', 1200);
    const vec = (i: number) => Float32Array.from({ length: DIM }, (_, j) => Math.sin(i * 0.37 + j * 1.3) + (j === i % DIM ? 2 : 0));
    await store.upsert(items(rows, vec));
    expect(await store.count('bulk')).toBe(1200);
    const { rows: idx } = await pg.query<{ n: number }>(
      `select count(*)::int as n from pg_indexes where tablename = 'chunk_vectors' and indexname = 'chunk_vectors_hnsw_idx'`,
    );
    expect(idx[0].n).toBe(1);
    const hits = await store.search('bulk', vec(77), 5);
    expect(hits[0].chunkId).toBe(rows[77].id);
    expect(hits[0].score).toBeCloseTo(1, 5);
    // Statistics were refreshed after the load, so the planner can weigh the site filter.
    const { rows: stats } = await pg.query<{ n: number }>(
      `select count(*)::int as n from pg_stats where tablename = 'chunk_vectors' and attname = 'site_id'
         and 'bulk' = any(most_common_vals::text::text[])`,
    );
    expect(stats[0].n).toBe(1);
  });

  it('reset clears every vector and rebuilds for a new model', async () => {
    await store.reset({ model: 'new-model', dimensions: 4 });
    expect(await store.info()).toEqual({ model: 'new-model', dimensions: 4 });
    expect(await store.count()).toBe(0);
    await expect(new PgVectorStore(pg).ensure(MODEL)).rejects.toBeInstanceOf(IndexMismatchError);
    const [row] = await addDoc('s5', 'doc-f', 1);
    await store.upsert([{ chunkId: row.id, siteId: 's5', documentId: row.documentId, kind: 'doc', vector: Float32Array.of(0, 1, 0, 0) }]);
    expect((await store.search('s5', Float32Array.of(0, 1, 0, 0), 1))[0].chunkId).toBe(row.id);
  });
});
