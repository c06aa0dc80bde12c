/**
 * The exact vector index kept in memory beside PGlite (memory-index.ts), through PgVectorStore
 * as the embedded stores use it: it must answer exactly what an exact scan in pgvector answers
 * (ids and scores), across restarts (loaded from the database again), after writes of its own
 * process, and after rows vanish behind its back (cascades).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChunkRow, Db, Logger, VectorItem } from '../../../edge/core/ports';
import { nativeTopK } from '../../../edge/runtime/node/native-topk';
import { openEmbeddedStores, type EmbeddedStores } from '../../../edge/runtime/node/stores';
import { jsTopK, quantize, SiteVectors, type Int8TopK } from '../../../edge/stores/vectors/memory-index';
import { PgVectorStore, toVectorLiteral } from '../../../edge/stores/vectors/pgvector';

const DIM = 24;
const MODEL = { model: 'test-embed', dimensions: DIM };

/** Deterministic pseudo-random vectors, some sparse like hashed ones, some dense. */
function vectors(n: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, (_, i) => Float32Array.from({ length: DIM }, () => (i % 3 === 0 && rnd() < 0.3 ? 0 : rnd())));
}

async function addDoc(db: Db, siteId: string, id: string, n: number): Promise<ChunkRow[]> {
  await db.sites.upsert({ id: siteId, name: siteId, allowedOrigins: [] });
  return db.documents.replace(
    { id, siteId, source: `${id}.md`, kind: 'doc', title: id, url: null, hash: 'h' },
    Array.from({ length: n }, (_, i) => ({ kind: 'doc' as const, ord: i, title: id, url: null, content: `${id} ${i}`, tokens: 2 })),
  );
}
const items = (rows: ChunkRow[], vecs: Float32Array[]): VectorItem[] =>
  rows.map((c, i) => ({ chunkId: c.id, siteId: c.siteId, documentId: c.documentId, kind: c.kind, vector: vecs[i] }));

/** pgvector's exact answer: a sequential scan (the memory-index store keeps no HNSW graph). */
async function exact(stores: EmbeddedStores, siteId: string, v: Float32Array, k: number) {
  const { rows } = await stores.pg.query<{ chunk_id: string; d: number }>(
    `select chunk_id, embedding <=> $1::vector as d from chunk_vectors where site_id = $2 order by d, chunk_id limit ${k}`,
    [toVectorLiteral(v), siteId],
  );
  return rows.map((r) => ({ chunkId: r.chunk_id, score: 1 - Number(r.d) }));
}

describe('the native scan', () => {
  it('loads on this machine (usearch prebuilt addon)', () => {
    const native = nativeTopK();
    expect('error' in native ? native.error : 'loaded').toBe('loaded');
  });

  it.each([
    ['js', jsTopK],
    ['native', (nativeTopK() as { topK: Int8TopK }).topK],
  ])('%s: the k best rows by cosine over int8 rows, best first', (_name, topK) => {
    const data = vectors(300, 7);
    const rows = new Int8Array(300 * DIM);
    const norms = new Float32Array(300);
    data.forEach((v, i) => (norms[i] = quantize(v, rows, i * DIM)));
    for (const q of data.slice(0, 20)) {
      const query = new Int8Array(DIM);
      quantize(q, query);
      const cos = (r: number) => {
        let dot = 0;
        for (let j = 0; j < DIM; j++) dot += rows[r * DIM + j] * query[j];
        return dot / norms[r];
      };
      const truth = [...norms.keys()].sort((a, b) => cos(b) - cos(a)).slice(0, 10);
      const got = [...topK(rows, norms, query, DIM, 10)];
      // Equal int8 cosines may come in either order: compare the scores.
      expect(got.map((r) => cos(r).toFixed(4))).toEqual(truth.map((r) => cos(r).toFixed(4)));
    }
  });
});

describe('SiteVectors', () => {
  it('after sets, overwrites and deletes, finds what a scan over the remaining rows finds', () => {
    const site = new SiteVectors(DIM, 4); // grows several times
    const data = vectors(200, 11);
    const live = new Map<string, Float32Array>();
    data.forEach((v, i) => {
      site.set(`c${i}`, `d${i % 10}`, v);
      live.set(`c${i}`, v);
    });
    // Overwrite some, move one to another document, delete others one by one and by document.
    for (let i = 0; i < 200; i += 7) {
      site.set(`c${i}`, `d${(i + 1) % 10}`, data[(i * 3) % 200]);
      live.set(`c${i}`, data[(i * 3) % 200]);
    }
    for (let i = 1; i < 200; i += 5) {
      site.delete(`c${i}`);
      live.delete(`c${i}`);
    }
    site.deleteDocuments(['d3', 'gone']);
    for (let i = 0; i < 200; i++) if ((i % 7 === 0 ? (i + 1) % 10 : i % 10) === 3) live.delete(`c${i}`);
    expect(site.count).toBe(live.size);
    for (const q of data.slice(0, 15)) {
      const got = site.nearest(q, 5, jsTopK);
      const scored = (id: string) => {
        const a = new Int8Array(DIM);
        const b = new Int8Array(DIM);
        const na = quantize(live.get(id)!, a);
        quantize(q, b);
        return a.reduce((s, x, j) => s + x * b[j], 0) / na;
      };
      const truth = [...live.keys()].sort((a, b) => scored(b) - scored(a)).slice(0, 5);
      expect(got.map(scored)).toEqual(truth.map(scored));
      expect(got.every((id) => live.has(id))).toBe(true);
    }
    expect(new SiteVectors(DIM).nearest(data[0], 5, jsTopK)).toEqual([]);
  });
});

describe('PgVectorStore with the memory index (the embedded default)', () => {
  let dir: string;
  let stores: EmbeddedStores;
  const data = vectors(400, 3);
  let rows: ChunkRow[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memory-index-'));
    stores = await openEmbeddedStores({ dataDir: dir });
    await stores.vectors.ensure(MODEL);
    rows = [...(await addDoc(stores.db, 'm1', 'doc-a', 250)), ...(await addDoc(stores.db, 'm1', 'doc-b', 150))];
    await stores.vectors.upsert(items(rows, data));
    // Another site's vectors are never returned for this one.
    const other = await addDoc(stores.db, 'm2', 'doc-c', 50);
    await stores.vectors.upsert(items(other, data.slice(0, 50)));
  });
  afterAll(async () => {
    await stores?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps no HNSW graph and answers what an exact scan answers: ids and scores', async () => {
    const { rows: idx } = await stores.pg.query(`select 1 from pg_indexes where indexname = 'chunk_vectors_hnsw_idx'`);
    expect(idx).toEqual([]);
    for (const q of vectors(30, 99)) {
      const got = await stores.vectors.search('m1', q, 10);
      const want = await exact(stores, 'm1', q, 10);
      expect(got.map((h) => h.chunkId)).toEqual(want.map((h) => h.chunkId));
      expect(got.map((h) => h.score.toFixed(6))).toEqual(want.map((h) => h.score.toFixed(6)));
    }
  });

  it('scores candidates seen before from the vectors it kept: the same hits, bit for bit, and no query', async () => {
    const q = vectors(1, 7)[0];
    const first = await stores.vectors.search('m1', q, 10);
    const reads = vi.spyOn(stores.pg, 'query');
    try {
      expect(await stores.vectors.search('m1', q, 10)).toEqual(first);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    expect(first.map((h) => h.score)).toEqual((await exact(stores, 'm1', q, 10)).map((h) => h.score));
  });

  it('follows its own writes: replaced vectors, deleted documents', async () => {
    const q = data[5];
    expect((await stores.vectors.search('m1', q, 1))[0].chunkId).toBe(rows[5].id);
    // Row 6 now holds row 5's vector, exactly: it ties with it at the top.
    await stores.vectors.upsert(items([rows[6]], [q]));
    expect((await stores.vectors.search('m1', q, 2)).map((h) => h.chunkId).sort()).toEqual([rows[5].id, rows[6].id].sort());
    await stores.vectors.deleteByDocuments(['doc-a']);
    const after = await stores.vectors.search('m1', q, 10);
    expect(after.every((h) => h.chunkId.length > 0 && rows.findIndex((r) => r.id === h.chunkId) >= 250)).toBe(true);
    expect(after.map((h) => h.chunkId)).toEqual((await exact(stores, 'm1', q, 10)).map((h) => h.chunkId));
    // Put doc-a back for the tests below.
    await stores.vectors.upsert(items(rows.slice(0, 250), data.slice(0, 250)));
    await stores.vectors.upsert(items([rows[6]], [data[6]]));
  });

  it('never returns rows deleted behind its back (a cascade), and reloads the site when most are gone', async () => {
    const q = data[300];
    expect((await stores.vectors.search('m1', q, 1))[0].chunkId).toBe(rows[300].id);
    // The document goes through the Db: its chunks' vectors go by cascade, unseen by the index.
    await stores.db.documents.delete(['doc-b']);
    const hits = await stores.vectors.search('m1', q, 10);
    expect(hits.map((h) => h.chunkId)).toEqual((await exact(stores, 'm1', q, 10)).map((h) => h.chunkId));
    expect(hits.every((h) => rows.findIndex((r) => r.id === h.chunkId) < 250)).toBe(true);
    // The whole site gone: nothing, after one reload.
    await stores.db.documents.delete(['doc-a']);
    expect(await stores.vectors.search('m1', q, 10)).toEqual([]);
    expect((await stores.vectors.search('m2', data[3], 1))[0].chunkId).toBeDefined();
  });

  it('after a restart, loads each site from the database again and answers the same', async () => {
    const before = await Promise.all(vectors(10, 5).map((q) => stores.vectors.search('m2', q, 5)));
    await stores.close();
    const loaded: [string, number][] = [];
    const log: Logger = { debug() {}, info: (_m, f) => loaded.push([String(f?.site), Number(f?.vectors)]), warn() {}, error() {} };
    stores = await openEmbeddedStores({ dataDir: dir, log });
    await stores.vectors.ensure(MODEL);
    const after = await Promise.all(vectors(10, 5).map((q) => stores.vectors.search('m2', q, 5)));
    expect(after).toEqual(before);
    // Ten searches at once, one load.
    expect(loaded).toEqual([['m2', 50]]);
  });

  it('a write made while a site loads lands after the load', async () => {
    const fresh = await addDoc(stores.db, 'm3', 'doc-d', 30);
    await stores.vectors.upsert(items(fresh, data.slice(0, 30)));
    const reopened = new PgVectorStore(stores.pg, { binaryCopy: true, memoryIndex: { topK: jsTopK } });
    await reopened.ensure(MODEL);
    const searching = reopened.search('m3', data[40], 1); // starts the load
    await reopened.upsert(items([fresh[0]], [data[40]]));
    expect((await searching)[0]).toBeDefined();
    expect((await reopened.search('m3', data[40], 1))[0].chunkId).toBe(fresh[0].id);
  });
});
