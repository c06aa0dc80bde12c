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

  it('loads through a binary COPY (PGlite) exactly what the text path stores, as an upsert', async () => {
    const copying = new PgVectorStore(pg, { binaryCopy: true });
    await copying.ensure(MODEL);
    // Ids with quotes, backslashes and commas: the delete list is written into the statement.
    const rows = await addDoc('copy', `doc-"q',\\x`, 6);
    const text = await addDoc('copy-text', 'doc-text', 6);
    const vec = (i: number) => Float32Array.from({ length: DIM }, (_, j) => Math.fround(Math.sin(i * 1.7 + j) / 3 + (j === i ? 1.25 : 0)));
    await copying.upsert(items(rows, vec));
    await store.upsert(items(text, vec));
    const stored = async (siteId: string) =>
      (await pg.query<{ e: string; kind: string; document_id: string }>(
        `select v.embedding::text as e, v.kind, v.document_id from chunk_vectors v join chunks c on c.id = v.chunk_id where v.site_id = $1 order by c.ord`,
        [siteId],
      )).rows;
    const a = await stored('copy');
    const b = await stored('copy-text');
    expect(a.map((r) => r.e)).toEqual(b.map((r) => r.e));
    expect(a.every((r) => r.kind === 'doc' && r.document_id === rows[0].documentId)).toBe(true);
    for (let i = 0; i < 6; i++) {
      const hits = await copying.search('copy', vec(i), 3);
      const same = await store.search('copy-text', vec(i), 3);
      expect(hits.map((h) => rows.findIndex((r) => r.id === h.chunkId))).toEqual(same.map((h) => text.findIndex((r) => r.id === h.chunkId)));
      expect(hits.map((h) => h.score)).toEqual(same.map((h) => h.score));
    }
    // Again for the same chunks: replaced, not added.
    await copying.upsert(items(rows.slice(0, 2), () => vec(5)));
    expect(await copying.count('copy')).toBe(6);
    expect((await copying.search('copy', vec(5), 3)).map((h) => h.chunkId).sort()).toEqual([rows[0].id, rows[1].id, rows[5].id].sort());
    await expect(copying.upsert([{ ...items(rows, vec)[0], vector: Float32Array.of(1, NaN, 0, 0, 0, 0, 0, 0) }])).rejects.toThrow(/non-finite/);

    // Chunk ids with quotes, backslashes, commas and braces: the delete list is written into the statement.
    const odd = [`ch_"q"`, `ch_'s'`, 'ch_\\b\\', 'ch_{a,b}', 'ch_ü ö'];
    for (const [i, id] of odd.entries()) {
      await pg.query(`insert into chunks (id, document_id, site_id, kind, ord, title, url, content, tokens) values ($1, $2, 'copy', 'doc', $3, 't', null, 'odd', 1)`, [id, rows[0].documentId, 100 + i]);
    }
    const oddItems = odd.map((chunkId, i) => ({ chunkId, siteId: 'copy', documentId: rows[0].documentId, kind: 'doc' as const, vector: vec(i) }));
    await copying.upsert(oddItems);
    await copying.upsert(oddItems.map((it) => ({ ...it, vector: vec(7) })));
    const back = await pg.query<{ chunk_id: string; e: string }>(`select chunk_id, embedding::text as e from chunk_vectors where chunk_id = any($1::text[])`, [odd]);
    expect(back.rows.map((r) => r.chunk_id).sort()).toEqual([...odd].sort());
    expect(new Set(back.rows.map((r) => r.e)).size).toBe(1);
  });

  it('bulkLoad: a large load builds the HNSW graph once at its end, also when the load fails', async () => {
    const hnsw = async () =>
      Number((await pg.query<{ n: number }>(`select count(*)::int as n from pg_indexes where indexname = 'chunk_vectors_hnsw_idx'`)).rows[0].n);
    const rows = await addDoc('bulk2', 'doc-bulk2', 1500);
    const vec = (i: number) => Float32Array.from({ length: DIM }, (_, j) => Math.cos(i * 0.21 + j * 0.7) + (j === i % DIM ? 2 : 0));
    const seen: number[] = [];
    await store.bulkLoad(rows.length, async () => {
      for (let i = 0; i < rows.length; i += 500) {
        await store.upsert(items(rows.slice(i, i + 500), (k) => vec(i + k)));
        seen.push(await hnsw());
      }
    });
    expect(seen).toEqual([0, 0, 0]);
    expect(await hnsw()).toBe(1);
    expect(await store.count('bulk2')).toBe(1500);
    expect((await store.search('bulk2', vec(321), 1))[0].chunkId).toBe(rows[321].id);

    // A small load next to the index goes into the graph as it is.
    const few = await addDoc('bulk2', 'doc-few', 3);
    await store.bulkLoad(3, async () => {
      await store.upsert(items(few, (i) => vec(i + 7)));
      expect(await hnsw()).toBe(1);
    });

    const more = await addDoc('bulk3', 'doc-bulk3', 1200);
    await expect(
      store.bulkLoad(2400, async () => {
        await store.upsert(items(more, vec));
        throw new Error('embedder gone');
      }),
    ).rejects.toThrow('embedder gone');
    // What was stored stays, and the index is whole again.
    expect(await hnsw()).toBe(1);
    expect(await store.count('bulk3')).toBe(1200);
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
