/**
 * ingest()'s store rounds against the one-by-one path they replaced: documents and chunks in one
 * transaction per round (documents.replaceMany), vectors by binary COPY in one bulk load (the
 * HNSW graph built once at its end). On the same files, the stores must hold the same
 * documents, chunks and vectors and answer the same searches as documents stored one at a
 * time with vectors inserted as text into the graph; and a file that fails within a round
 * must be reported alone, losing nothing that was stored.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, VectorStore } from '../../edge/core/ports';
import { ingest, type IngestOptions, type ProgressEvent } from '../../edge/ingest/run';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { openEmbeddedStores } from '../../edge/runtime/node/stores';
import { openPglite } from '../../edge/stores/db/pglite';
import { PgVectorStore, toVectorLiteral } from '../../edge/stores/vectors/pgvector';
import { generateCorpus, generateQueries, toMarkdown } from '../bench/corpus';

type Stores = Awaited<ReturnType<typeof openEmbeddedStores>>;

const embedder = new LocalEmbedder();
let bulk: Stores;
let oneByOne: { pg: Stores['pg']; db: Db; vectors: PgVectorStore };
let dir: string;
// Enough chunks for two store rounds and a bulk load (HNSW graph built at the end).
const corpus = generateCorpus(1100);

/**
 * The path before rounds: each document replaced in its own transaction, vectors inserted as
 * text (no COPY) in upserts of 256, each too small for a bulk load: straight into the graph.
 */
function oneAtATime(db: Db, vectors: PgVectorStore): { db: Db; vectors: VectorStore } {
  return {
    db: {
      ...db,
      documents: {
        ...db.documents,
        async replaceMany(entries) {
          const out = [];
          for (const e of entries) {
            const chunks = await db.documents.replace(e.doc, e.chunks);
            out.push({ documentId: chunks[0]?.documentId ?? e.doc.id, chunks });
          }
          return out;
        },
      },
    },
    vectors: {
      name: vectors.name,
      ensure: (info) => vectors.ensure(info),
      info: () => vectors.info(),
      async upsert(items) {
        for (let i = 0; i < items.length; i += 256) await vectors.upsert(items.slice(i, i + 256));
      },
      bulkLoad: (_expected, load) => load(),
      deleteByDocuments: (ids) => vectors.deleteByDocuments(ids),
      search: (siteId, v, k) => vectors.search(siteId, v, k),
    },
  };
}

const options = (siteId: string, opts: Partial<IngestOptions> = {}): IngestOptions => ({ siteId, paths: [dir], baseDir: dir, createSite: true, ...opts });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ingest-bulk-'));
  cpSync('demo/data', dir, { recursive: true });
  mkdirSync(join(dir, 'bench'));
  for (const d of corpus) writeFileSync(join(dir, d.source), toMarkdown(d));
  bulk = await openEmbeddedStores({ dataDir: null });
  const opened = await openPglite(null);
  oneByOne = { ...opened, vectors: new PgVectorStore(opened.pg) };
});
afterAll(async () => {
  await bulk?.close();
  await oneByOne?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything stored for a site, by document source and chunk ord (ids differ between stores). */
async function contents(stores: { pg: Stores['pg']; db: Db }, siteId: string) {
  const docs = await stores.db.documents.list(siteId);
  const { rows } = await stores.pg.query<{ source: string; ord: number; title: string; url: string | null; content: string; tokens: number; kind: string; e: string | null }>(
    `select d.source, c.ord, c.title, c.url, c.content, c.tokens, c.kind, v.embedding::text as e
       from documents d join chunks c on c.document_id = d.id left join chunk_vectors v on v.chunk_id = c.id
      where d.site_id = $1 order by d.source, c.ord`,
    [siteId],
  );
  return { documents: docs.map(({ id: _id, ...rest }) => rest), chunks: rows };
}

/** A search's hits as (source, ord) with their scores. */
async function named(stores: { db: Db }, hits: { chunkId: string; score: number }[]) {
  const chunks = await stores.db.chunks.get(hits.map((h) => h.chunkId));
  const docs = new Map<string, string>();
  for (const c of chunks) {
    if (!docs.has(c.documentId)) docs.set(c.documentId, (await stores.db.documents.byId(c.siteId, c.documentId))!.source);
  }
  return hits.map((h, i) => ({ at: `${docs.get(chunks[i].documentId)}#${chunks[i].ord}`, score: h.score }));
}

/** pgvector's exact answer: `+ 0` keeps the planner off the HNSW graph. */
async function exactScan(pg: Stores['pg'], siteId: string, v: Float32Array, k: number) {
  const { rows } = await pg.query<{ chunk_id: string; d: number }>(
    `select chunk_id, (embedding <=> $1::vector) + 0 as d from chunk_vectors where site_id = $2 order by d limit ${k}`,
    [toVectorLiteral(v), siteId],
  );
  return rows.map((r) => ({ chunkId: r.chunk_id, score: 1 - Number(r.d) }));
}

// The one-at-a-time side inserts every vector into the graph: ~15 s alone, more on a busy machine.
describe('ingest in store rounds', { timeout: 120_000 }, () => {
  it('stores the same documents, chunks and vectors as one at a time, and answers the same searches', async () => {
    const events: ProgressEvent[] = [];
    const a = await ingest({ ...bulk, embedder }, options('same', { onProgress: (e) => events.push(e) }));
    const b = await ingest({ ...oneAtATime(oneByOne.db, oneByOne.vectors), embedder }, options('same'));
    expect(a.failed).toEqual([]);
    expect(a.chunks).toBeGreaterThan(1100);
    expect({ ...a, ms: 0 }).toEqual({ ...b, ms: 0 });
    // Progress: every embedding batch, ending at the total.
    const embeds = events.filter((e) => e.type === 'embed');
    expect(embeds.at(-1)).toEqual({ type: 'embed', done: a.chunks, total: a.chunks });
    expect(embeds.length).toBeGreaterThan(a.chunks / 64);

    const stored = await contents(bulk, 'same');
    expect(stored).toEqual(await contents(oneByOne, 'same'));
    expect(stored.chunks.every((c) => c.e !== null)).toBe(true);

    // The embedded stores keep no HNSW graph: searches go to the exact index in memory.
    const { rows } = await bulk.pg.query<{ n: number }>(`select count(*)::int as n from pg_indexes where indexname = 'chunk_vectors_hnsw_idx'`);
    expect(rows[0].n).toBe(0);

    // Equal scores rank by chunk id, which each store draws at random: compare hits as sets of
    // equal scores, and only those above the last score (a tie there may fall either way).
    const same = (hits: { at: string; score: number }[]) => {
      const last = hits.at(-1)?.score;
      return { scores: hits.map((h) => h.score.toFixed(6)), above: hits.filter((h) => h.score !== last).map((h) => `${h.score.toFixed(6)} ${h.at}`).sort() };
    };
    for (const q of [...generateQueries(corpus, 12), 'how many days until my refund arrives', 'do you ship to Canada']) {
      const text = await named(bulk, await bulk.db.chunks.textSearch('same', q, 10));
      expect(text.length).toBeGreaterThan(0);
      expect(same(text)).toEqual(same(await named(oneByOne, await oneByOne.db.chunks.textSearch('same', q, 10))));
      // The one-by-one side searches its HNSW graph, which may miss a neighbour: both sides
      // must find what an exact scan of the one-by-one side's vectors finds.
      const [v] = await embedder.embed([q], 'query');
      const got = await named(bulk, await bulk.vectors.search('same', v, 5));
      expect(same(got)).toEqual(same(await named(oneByOne, await exactScan(oneByOne.pg, 'same', v, 5))));
    }
  });

  it('reports a file whose embedding fails alone, stores the rest of its round, and keeps its stored version', async () => {
    const siteId = 'picky';
    await ingest({ ...bulk, embedder }, options(siteId));
    const before = await contents(bulk, siteId);
    const path = join(dir, 'docs/warranty.md');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, `${original}\n\nPOISON: this paragraph cannot be embedded.\n`);
    writeFileSync(join(dir, 'docs/gift-cards.md'), '# Gift cards\n\nDigital gift cards never expire.');
    const picky = {
      model: embedder.model,
      dimensions: embedder.dimensions,
      embed: async (texts: string[], purpose: 'query' | 'document') => {
        if (texts.some((t) => t.includes('POISON'))) throw new Error('embedding service unavailable');
        return embedder.embed(texts, purpose);
      },
    };
    const events: ProgressEvent[] = [];
    try {
      const summary = await ingest({ ...bulk, embedder: picky }, options(siteId, { onProgress: (e) => events.push(e) }));
      expect(summary.failed).toEqual([{ file: 'docs/warranty.md', error: 'could not embed or store: embedding service unavailable' }]);
      expect(summary.documents).toMatchObject({ added: 1, updated: 0, removed: 0 });
      const after = await contents(bulk, siteId);
      const warranty = (c: { documents: { source: string }[]; chunks: { source: string }[] }) => ({
        documents: c.documents.filter((d) => d.source === 'docs/warranty.md'),
        chunks: c.chunks.filter((d) => d.source === 'docs/warranty.md'),
      });
      expect(warranty(after)).toEqual(warranty(before));
      expect(after.documents.map((d) => d.source)).toContain('docs/gift-cards.md');
      const embeds = events.filter((e) => e.type === 'embed');
      expect(embeds.at(-1)).toMatchObject({ done: embeds.at(-1)!.total });
    } finally {
      writeFileSync(path, original);
      rmSync(join(dir, 'docs/gift-cards.md'));
    }
  });

  it('reports a file whose documents cannot be stored alone, and the rest of its round is stored', async () => {
    const siteId = 'refusing';
    await ingest({ ...bulk, embedder }, options(siteId));
    const before = await contents(bulk, siteId);
    for (const name of ['shipping.md', 'warranty.md']) {
      const path = join(dir, 'docs', name);
      writeFileSync(path, readFileSync(path, 'utf8') + '\n\nUpdated this week.\n');
    }
    // The store refuses any round holding the shipping page.
    const refusing: Db = {
      ...bulk.db,
      documents: {
        ...bulk.db.documents,
        replaceMany: async (entries) => {
          if (entries.some((e) => e.doc.source === 'docs/shipping.md')) throw new Error('disk full');
          return bulk.db.documents.replaceMany(entries);
        },
      },
    };
    try {
      const summary = await ingest({ db: refusing, vectors: bulk.vectors, embedder }, options(siteId, { batchSize: 8 }));
      expect(summary.failed).toEqual([{ file: 'docs/shipping.md', error: 'could not embed or store: disk full' }]);
      expect(summary.documents).toMatchObject({ added: 0, updated: 1, removed: 0 });
      const after = await contents(bulk, siteId);
      const shipping = (c: typeof before) => c.chunks.filter((d) => d.source === 'docs/shipping.md');
      expect(shipping(after)).toEqual(shipping(before));
      expect(after.chunks.filter((d) => d.source === 'docs/warranty.md').map((c) => c.content).join(' ')).toContain('Updated this week.');
      expect(after.chunks.every((c) => c.e !== null)).toBe(true);
    } finally {
      cpSync('demo/data/docs', join(dir, 'docs'), { recursive: true });
    }
  });
});
