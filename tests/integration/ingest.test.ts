/**
 * ingest() against the real embedded stores (PGlite + pgvector, in memory) and the local
 * embedder, over a copy of the demo shop's data.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Embedder } from '../../edge/core/ports';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { openEmbeddedStores } from '../../edge/runtime/node/stores';
import { ingest, type IngestOptions, type ProgressEvent } from '../../edge/ingest/run';

/** The local embedder, counting what it is asked to embed. */
class CountingEmbedder implements Embedder {
  private readonly inner = new LocalEmbedder();
  readonly model = this.inner.model;
  readonly dimensions = this.inner.dimensions;
  texts = 0;
  async embed(texts: string[], purpose: 'query' | 'document') {
    this.texts += texts.length;
    return this.inner.embed(texts, purpose);
  }
}

let stores: Awaited<ReturnType<typeof openEmbeddedStores>>;
let embedder: CountingEmbedder;
let dir: string;
let site = 0;
let siteId: string;

const run = (opts: Partial<IngestOptions> = {}) =>
  ingest({ db: stores.db, vectors: stores.vectors, embedder }, { siteId, paths: [dir], baseDir: dir, createSite: true, ...opts });

async function chunkIdsOf(source: string): Promise<string[]> {
  const doc = await stores.db.documents.get(siteId, source);
  if (!doc) return [];
  const { rows } = await stores.pg.query<{ id: string }>('SELECT id FROM chunks WHERE document_id = $1 ORDER BY ord', [doc.id]);
  return rows.map((r) => r.id);
}
async function vectorChunkIds(): Promise<Set<string>> {
  const { rows } = await stores.pg.query<{ chunk_id: string }>('SELECT chunk_id FROM chunk_vectors WHERE site_id = $1', [siteId]);
  return new Set(rows.map((r) => r.chunk_id));
}
const demoCsvRows = (name: string) => parseCsv(readFileSync(join('demo/data', name), 'utf8'), { columns: true }).length;

beforeAll(async () => {
  stores = await openEmbeddedStores({ dataDir: null });
});
afterAll(async () => {
  await stores?.close();
});
beforeEach(() => {
  siteId = `site-${++site}`;
  embedder = new CountingEmbedder();
  dir = mkdtempSync(join(tmpdir(), 'ingest-it-'));
  cpSync('demo/data', dir, { recursive: true });
  return () => rmSync(dir, { recursive: true, force: true });
});

describe('ingest', () => {
  it('stores the demo data: documents, chunks with vectors, products and orders', async () => {
    const events: ProgressEvent[] = [];
    const summary = await run({ onProgress: (e) => events.push(e) });

    const faqs = demoCsvRows('faq.csv');
    const products = demoCsvRows('products.csv');
    const orders = JSON.parse(readFileSync('demo/data/orders.json', 'utf8')).orders.length;
    const docFiles = 5; // docs/*.md, .html, .txt
    expect(summary.failed).toEqual([]);
    expect(summary.files).toBe(8);
    expect(summary.documents).toEqual({ added: faqs + products + docFiles, updated: 0, unchanged: 0, removed: 0 });
    expect(summary.products).toBe(products);
    expect(summary.orders).toBe(orders);
    expect(await stores.db.documents.count(siteId)).toBe(summary.documents.added);
    expect(await stores.db.chunks.count(siteId)).toBe(summary.chunks);
    expect((await vectorChunkIds()).size).toBe(summary.chunks);
    expect(embedder.texts).toBe(summary.chunks);

    expect(await stores.db.products.get(siteId, 'JP-TNT-2')).toMatchObject({ name: 'Switchback 2 Tent', priceCents: 34900, currency: 'USD', stock: 14 });
    expect(await stores.db.orders.find(siteId, 'JP-10421', 'alex.morgan@example.com')).toMatchObject({ status: 'shipped', totalCents: 39100, carrier: 'UPS' });
    const shipping = await stores.db.documents.get(siteId, 'docs/shipping.md');
    expect(shipping).toMatchObject({ kind: 'doc', title: 'Shipping', url: '/help/shipping' });
    expect(await stores.db.documents.get(siteId, 'products.csv#JP-TNT-2')).toMatchObject({ kind: 'product', url: '/products/switchback-2-tent' });

    // Searchable by vector: a refund question finds refund text.
    const [q] = await embedder.embed(['how many days until my refund arrives'], 'query');
    const hits = await stores.vectors.search(siteId, q, 3);
    const top = await stores.db.chunks.get(hits.map((h) => h.chunkId));
    expect(top.map((c) => c.title).join(' | ')).toMatch(/refund/i);

    expect(events[0]).toEqual({ type: 'start', files: 8, skipped: [] });
    expect(events.filter((e) => e.type === 'file')).toHaveLength(8);
    expect(events.filter((e) => e.type === 'embed').at(-1)).toEqual({ type: 'embed', done: summary.chunks, total: summary.chunks });
    expect(events.at(-1)).toEqual({ type: 'done', summary });
  });

  it('skips everything on an unchanged re-run, embedding nothing', async () => {
    const first = await run();
    const chunksBefore = await chunkIdsOf('docs/warranty.md');
    embedder.texts = 0;
    const again = await run();
    expect(again.documents).toEqual({ added: 0, updated: 0, unchanged: first.documents.added, removed: 0 });
    expect(again.chunks).toBe(0);
    expect(embedder.texts).toBe(0);
    expect(await chunkIdsOf('docs/warranty.md')).toEqual(chunksBefore);
  });

  it('re-embeds only a changed file, and its old chunks and vectors are gone', async () => {
    const first = await run();
    const oldChunks = await chunkIdsOf('docs/shipping.md');
    const otherChunks = await chunkIdsOf('docs/warranty.md');
    const path = join(dir, 'docs/shipping.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('Bozeman, Montana', 'Missoula, Montana'));
    embedder.texts = 0;

    const second = await run();
    expect(second.documents).toEqual({ added: 0, updated: 1, unchanged: first.documents.added - 1, removed: 0 });
    const newChunks = await chunkIdsOf('docs/shipping.md');
    expect(second.chunks).toBe(newChunks.length);
    expect(embedder.texts).toBe(newChunks.length);
    const vectors = await vectorChunkIds();
    for (const id of oldChunks) expect(vectors.has(id)).toBe(false);
    for (const id of [...newChunks, ...otherChunks]) expect(vectors.has(id)).toBe(true);
    expect(await chunkIdsOf('docs/warranty.md')).toEqual(otherChunks);
    const { rows } = await stores.pg.query<{ n: number }>("SELECT count(*)::int AS n FROM chunks WHERE site_id = $1 AND content LIKE '%Missoula%'", [siteId]);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('removes a deleted FAQ row without --prune, and a deleted file only with --prune', async () => {
    await run();
    const faqPath = join(dir, 'faq.csv');
    const lines = readFileSync(faqPath, 'utf8').trimEnd().split('\n');
    const removedQuestion = 'Do you price match?';
    writeFileSync(faqPath, lines.filter((l) => !l.startsWith(removedQuestion)).join('\n') + '\n');
    const careChunks = await chunkIdsOf('docs/care-guide.txt');
    unlinkSync(join(dir, 'docs/care-guide.txt'));

    const noPrune = await run();
    expect(noPrune.documents.removed).toBe(1);
    expect(await stores.db.documents.get(siteId, 'faq.csv#do-you-price-match')).toBeNull();
    expect(await stores.db.documents.get(siteId, 'docs/care-guide.txt')).not.toBeNull();

    const pruned = await run({ prune: true });
    expect(pruned.documents).toMatchObject({ added: 0, updated: 0, removed: 1 });
    expect(await stores.db.documents.get(siteId, 'docs/care-guide.txt')).toBeNull();
    const vectors = await vectorChunkIds();
    for (const id of careChunks) expect(vectors.has(id)).toBe(false);
  });

  it('takes a product out of the catalogue with its row, and all of a pruned file\'s products; a product that moved files stays', async () => {
    await run();
    const path = join(dir, 'products.csv');
    const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
    const gone = rows.find((r) => r.startsWith('JP-TNT-1,'))!;
    const moved = rows.find((r) => r.startsWith('JP-TNT-2,'))!;
    writeFileSync(path, [header, ...rows.filter((r) => r !== gone && r !== moved)].join('\n') + '\n');
    writeFileSync(join(dir, 'more-products.csv'), [header, moved].join('\n') + '\n');
    const summary = await run();
    expect(summary.documents.removed).toBe(2); // both left products.csv; one came back elsewhere
    expect(await stores.db.products.get(siteId, 'JP-TNT-1')).toBeNull();
    expect(await stores.db.products.get(siteId, 'JP-TNT-2')).not.toBeNull();
    expect(await stores.db.documents.get(siteId, 'more-products.csv#JP-TNT-2')).not.toBeNull();

    const kept = rows.find((r) => !r.startsWith('JP-TNT-1,') && !r.startsWith('JP-TNT-2,'))!.split(',')[0];
    expect(await stores.db.products.get(siteId, kept)).not.toBeNull();
    unlinkSync(path);
    await run({ prune: true });
    expect(await stores.db.products.get(siteId, kept)).toBeNull();
    expect(await stores.db.products.get(siteId, 'JP-TNT-2')).not.toBeNull();
  });

  it('prunes only under the given paths', async () => {
    await run();
    unlinkSync(join(dir, 'docs/about.html'));
    const summary = await run({ paths: [join(dir, 'docs')], prune: true });
    expect(summary.files).toBe(4);
    expect(summary.documents.removed).toBe(1);
    // faq.csv was not under the given path: its documents stay.
    expect(await stores.db.documents.get(siteId, 'faq.csv#do-you-price-match')).not.toBeNull();
  });

  it('reports a bad file by name, stores the others, and keeps what was stored for the bad one', async () => {
    writeFileSync(join(dir, 'extra.json'), JSON.stringify([{ question: 'Do you rent tents?', answer: 'Not yet.' }]));
    await run();
    const kept = await stores.db.documents.get(siteId, 'extra.json#do-you-rent-tents');
    const keptChunks = await chunkIdsOf('extra.json#do-you-rent-tents');
    expect(kept).not.toBeNull();

    writeFileSync(join(dir, 'extra.json'), '[{"question": "Do you rent tents?", "answer": ');
    writeFileSync(join(dir, 'more.md'), '# Gift wrap\n\nWe wrap gifts for free.');
    writeFileSync(join(dir, 'readme.pdf'), 'not ingested');
    const summary = await run({ prune: true });

    expect(summary.failed).toEqual([{ file: 'extra.json', error: expect.stringMatching(/^is not valid JSON/) }]);
    expect(summary.skipped).toEqual([{ source: 'readme.pdf', reason: expect.stringContaining('not a supported type') }]);
    expect(summary.documents).toMatchObject({ added: 1, removed: 0 });
    expect(await stores.db.documents.get(siteId, 'more.md')).toMatchObject({ title: 'Gift wrap' });
    expect(await stores.db.documents.get(siteId, 'extra.json#do-you-rent-tents')).toEqual(kept);
    expect(await chunkIdsOf('extra.json#do-you-rent-tents')).toEqual(keptChunks);
    const vectors = await vectorChunkIds();
    for (const id of keptChunks) expect(vectors.has(id)).toBe(true);
  });

  it('refuses a site that does not exist unless asked to create it', async () => {
    await expect(run({ createSite: false })).rejects.toThrow(`site "${siteId}" does not exist; make it with npm run site -- create ${siteId} --origin <your pages' origin>, or pass --create-site`);
    await run({ createSite: true, paths: [join(dir, 'docs/warranty.md')] });
    expect(await stores.db.sites.get(siteId)).toEqual({ id: siteId, name: siteId, allowedOrigins: [], publicKey: null, secretKey: null, settings: {} });
    await expect(run({ createSite: false, paths: [join(dir, 'nope')] })).rejects.toThrow(`path not found: ${join(dir, 'nope')}`);
  });
});
