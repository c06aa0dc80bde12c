/**
 * ingest() skipping files it read before (Db.ingestedFiles, edge/ingest/file-memo.ts): an
 * unchanged file is not parsed again, and the answer must be what parsing it would have given
 * whatever happened in between: a file edited at once (same size, same second), a document of
 * it replaced by an upload or deleted, other chunking, a catalogue row deleted, a pruned file.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingest, type IngestOptions, type ProgressEvent } from '../../edge/ingest/run';
import { ingestUpload } from '../../edge/ingest/upload';
import { parseMarkdown } from '../../edge/ingest/parse';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { openEmbeddedStores } from '../../edge/runtime/node/stores';

let stores: Awaited<ReturnType<typeof openEmbeddedStores>>;
let dir: string;
let siteId: string;
let site = 0;
const embedder = new LocalEmbedder();
const run = (opts: Partial<IngestOptions> = {}) =>
  ingest({ db: stores.db, vectors: stores.vectors, embedder }, { siteId, paths: [dir], baseDir: dir, createSite: true, ...opts });
const remembered = async () => (await stores.db.ingestedFiles.list(siteId)).map((r) => r.source).sort();
const chunkText = async (source: string) => {
  const doc = await stores.db.documents.get(siteId, source);
  return doc ? (await stores.db.chunks.ofDocument(doc.id)).map((c) => c.content).join('\n') : null;
};

beforeAll(async () => {
  stores = await openEmbeddedStores({ dataDir: null });
});
afterAll(async () => {
  await stores?.close();
});
beforeEach(() => {
  siteId = `memo-${++site}`;
  dir = mkdtempSync(join(tmpdir(), 'ingest-memo-'));
  cpSync('demo/data', dir, { recursive: true });
  return () => rmSync(dir, { recursive: true, force: true });
});

describe('ingest skips files it read before', () => {
  it('remembers files of documents alone; an unchanged run reports what parsing them would', async () => {
    const first = await run();
    expect(await remembered()).toEqual(['docs/about.html', 'docs/care-guide.txt', 'docs/returns-and-refunds.md', 'docs/shipping.md', 'docs/warranty.md', 'faq.csv']);
    const events: ProgressEvent[] = [];
    const again = await run({ onProgress: (e) => events.push(e) });
    expect(again.documents).toEqual({ added: 0, updated: 0, unchanged: first.documents.added, removed: 0 });
    expect(again.failed).toEqual([]);
    const files = events.filter((e) => e.type === 'file');
    const faqs = first.documents.added - 5 - first.products;
    expect(files.find((e) => e.file === 'faq.csv')).toEqual({ type: 'file', file: 'faq.csv', done: expect.any(Number), total: 8, ok: true, documents: faqs, changed: 0, products: 0, orders: 0 });
    expect(files.find((e) => e.file === 'docs/shipping.md')).toMatchObject({ ok: true, documents: 1, changed: 0 });
    // Products and orders are read every time.
    expect(again.products).toBe(first.products);
    expect(again.orders).toBe(first.orders);
  });

  it('sees a file edited right after a run, to the same size within the same second', async () => {
    const path = join(dir, 'docs/shipping.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('Bozeman', 'Bozemon'));
    await run();
    writeFileSync(path, readFileSync(path, 'utf8').replace('Bozemon', 'Bozeman'));
    const again = await run();
    expect(again.documents).toMatchObject({ updated: 1, added: 0 });
    expect(await chunkText('docs/shipping.md')).toContain('Bozeman');
  });

  it('puts back a document replaced by an upload of the same source, or deleted', async () => {
    const first = await run();
    const shipping = await stores.db.documents.get(siteId, 'docs/shipping.md');
    await ingestUpload({ db: stores.db, vectors: stores.vectors, embedder }, siteId, { source: 'docs/shipping.md', content: '# Shipping\n\nWe only ship by carrier pigeon.', parser: parseMarkdown });
    const faq = (await stores.db.documents.list(siteId)).find((d) => d.source.startsWith('faq.csv#'))!;
    await stores.vectors.deleteByDocuments([faq.id]);
    await stores.db.documents.delete([faq.id]);

    const again = await run();
    expect(again.documents).toEqual({ added: 1, updated: 1, unchanged: first.documents.added - 2, removed: 0 });
    expect(await stores.db.documents.get(siteId, 'docs/shipping.md')).toEqual(shipping);
    expect(await chunkText('docs/shipping.md')).not.toContain('pigeon');
    expect(await stores.db.documents.get(siteId, faq.source)).toMatchObject({ title: faq.title, hash: faq.hash });
    expect((await run()).documents).toMatchObject({ added: 0, updated: 0, removed: 0 });
  });

  it('reads every file again under other chunking settings or with --reembed', async () => {
    const first = await run();
    const rechunked = await run({ chunking: { maxTokens: 60, overlapTokens: 10 } });
    expect(rechunked.documents).toMatchObject({ updated: first.documents.added, unchanged: 0 });
    const reembedded = await run({ chunking: { maxTokens: 60, overlapTokens: 10 }, reembed: true });
    expect(reembedded.documents).toMatchObject({ updated: first.documents.added, unchanged: 0 });
    expect((await run({ chunking: { maxTokens: 60, overlapTokens: 10 } })).documents.unchanged).toBe(first.documents.added);
  });

  it('puts back a catalogue row deleted in between (a file with products is read every time)', async () => {
    await run();
    await stores.db.products.delete(siteId, ['JP-TNT-2']);
    await run();
    expect(await stores.db.products.get(siteId, 'JP-TNT-2')).toMatchObject({ name: 'Switchback 2 Tent' });
  });

  it('reads a file that failed again once it is fixed, and forgets pruned files', async () => {
    await run();
    const path = join(dir, 'docs/warranty.md');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, 'binary\u0000junk');
    const broken = await run();
    expect(broken.failed).toEqual([{ file: 'docs/warranty.md', error: expect.stringContaining('binary') }]);
    expect(await stores.db.documents.get(siteId, 'docs/warranty.md')).not.toBeNull();
    writeFileSync(path, original.replace('warranty', 'guarantee'));
    expect((await run()).documents).toMatchObject({ updated: 1 });

    unlinkSync(join(dir, 'docs/care-guide.txt'));
    await run();
    expect(await remembered()).toContain('docs/care-guide.txt');
    const pruned = await run({ prune: true });
    expect(pruned.documents.removed).toBe(1);
    expect(await remembered()).not.toContain('docs/care-guide.txt');
    // The file back as it was: read and stored again.
    cpSync('demo/data/docs/care-guide.txt', join(dir, 'docs/care-guide.txt'));
    expect((await run()).documents).toMatchObject({ added: 1 });
  });
});
