/**
 * An uploaded file's ingest (the admin API's): stored like the CLI stores the same file, and all
 * or nothing: a file that does not parse, an embedder that fails part way, or a vector store
 * that refuses the write leaves what was stored before as it was (or, for a failed store, the
 * file's documents absent so the next upload adds them again, as the CLI does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../../edge/core/ports';
import { ingest } from '../../../edge/ingest/run';
import { parseCsv } from '../../../edge/ingest/parse';
import { FileFormatError } from '../../../edge/ingest/types';
import { ingestUpload, uploadParser, UPLOAD_EXTENSIONS } from '../../../edge/ingest/upload';
import { SUPPORTED_EXTENSIONS } from '../../../edge/ingest/parse';
import { LocalEmbedder } from '../../../edge/providers/embeddings/local';
import { openPglite, type OpenedPglite } from '../../../edge/stores/db/pglite';
import { PgVectorStore } from '../../../edge/stores/vectors/pgvector';

let opened: OpenedPglite;
let vectors: PgVectorStore;
const embedder = new LocalEmbedder();
beforeAll(async () => {
  opened = await openPglite(null);
  vectors = new PgVectorStore(opened.pg);
  await opened.db.sites.upsert({ id: 'shop', name: 'Shop', allowedOrigins: [] });
  await opened.db.sites.upsert({ id: 'cli', name: 'CLI', allowedOrigins: [] });
}, 60_000);
afterAll(async () => {
  await opened?.db.close();
});

const FAQS = 'question,answer\nDo you sell gift cards?,Yes: from $25 to $500.\nCan I pay with PayPal?,Yes at checkout.\n';
const stored = async (site: string) =>
  (await opened.pg.query<{ source: string; hash: string; chunks: number; vectors: number }>(
    `select d.source, d.hash, (select count(*) from chunks c where c.document_id = d.id)::int as chunks,
       (select count(*) from chunk_vectors v where v.document_id = d.id)::int as vectors
     from documents d where d.site_id = $1 order by d.source`,
    [site],
  )).rows;

describe('ingestUpload', () => {
  it('reads every format the CLI reads', () => {
    expect([...UPLOAD_EXTENSIONS].sort()).toEqual([...SUPPORTED_EXTENSIONS].sort());
  });

  it('stores a file as the CLI stores it: same documents, hashes and chunks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upload-'));
    try {
      writeFileSync(join(dir, 'faq.csv'), FAQS);
      await ingest({ db: opened.db, vectors, embedder }, { siteId: 'cli', paths: [join(dir, 'faq.csv')], baseDir: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const summary = await ingestUpload({ db: opened.db, vectors, embedder }, 'shop', { source: 'faq.csv', content: FAQS, parser: await uploadParser('faq.csv') });
    expect(summary).toMatchObject({ unchanged: false, documents: { added: 2 } });
    expect(await stored('shop')).toEqual(await stored('cli'));
    for (const d of await stored('shop')) expect(d.vectors).toBe(d.chunks);
  });

  it('writes nothing when the file does not parse, or the embedder fails part way', async () => {
    const before = await stored('shop');
    const deps = { db: opened.db, vectors, embedder };
    await expect(ingestUpload(deps, 'shop', { source: 'faq.csv', content: 'question\nx\n', parser: parseCsv })).rejects.toBeInstanceOf(FileFormatError);
    let calls = 0;
    const failing: Embedder = {
      model: embedder.model,
      dimensions: embedder.dimensions,
      embed: async (texts, purpose) => {
        if (++calls > 1) throw new Error('embedding service down');
        return embedder.embed(texts, purpose);
      },
    };
    const changed = FAQS.replace('$500', '$900').replace('checkout', 'the checkout page');
    await expect(
      ingestUpload({ ...deps, embedder: failing }, 'shop', { source: 'faq.csv', content: changed, parser: parseCsv }, { batchSize: 1 }),
    ).rejects.toThrow(/embedding service down/);
    expect(await stored('shop')).toEqual(before);
  });

  it('a vector store that refuses the write leaves no document without its vectors', async () => {
    const deps = { db: opened.db, vectors, embedder };
    const refusing = Object.assign(Object.create(vectors) as PgVectorStore, {
      upsert: async () => {
        throw new Error('vector store full');
      },
    });
    const changed = FAQS.replace('$500', '$700');
    await expect(ingestUpload({ ...deps, vectors: refusing }, 'shop', { source: 'faq.csv', content: changed, parser: parseCsv })).rejects.toThrow(/vector store full/);
    for (const d of await stored('shop')) expect(d.vectors).toBe(d.chunks);
    // The next upload puts it right.
    expect(await ingestUpload(deps, 'shop', { source: 'faq.csv', content: changed, parser: parseCsv })).toMatchObject({ unchanged: false });
    expect((await stored('shop')).map((d) => d.source)).toEqual((await stored('cli')).map((d) => d.source));
  });
});
