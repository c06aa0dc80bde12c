/**
 * One file's ingest, given as text rather than read from disk: what the admin API runs for an
 * upload, with the CLI's steps (parse, content hash, chunk, embed, store; edge/ingest/run.ts)
 * and the same chunking, so a document uploaded and the same one ingested from a folder are
 * stored alike. Runtime-free (no node:fs), for Node and Workers.
 *
 * All or nothing: the file is parsed and every changed chunk embedded before anything is
 * written, so a bad file or a failing embedder leaves what is stored as it was.
 */
import type { Db, Embedder, Logger, ObjectStore, VectorStore } from '../core/ports';
import { chunkDocument, DEFAULT_CHUNKING } from './chunk';
import { documentHash } from './hash';
import { keepOriginal } from './originals';
import { parseHtml } from './parse/html';
import { parseJson } from './parse/json';
import { parseMarkdown } from './parse/markdown';
import { parseText } from './parse/text';
import type { Parser } from './types';
import { embedAndStore, embeddingText, type PendingDocument } from './write';

export interface UploadSummary {
  source: string;
  /** Nothing of the file's documents changed (the same content again). */
  unchanged: boolean;
  documents: { added: number; updated: number; unchanged: number; removed: number };
  chunks: number;
  products: number;
  orders: number;
  /** Set when the original could not be kept in the object store (the index has the file). */
  warning?: string;
}

/** No parser for this file's extension. */
export class UnsupportedFile extends Error {}
/** The parser exists but cannot run here (Workers: no `Buffer`, which the CSV reader needs). */
export class ParserUnavailable extends Error {}

/**
 * The CLI's formats (parse/index.ts). The CSV reader is loaded on first use: it calls Node's
 * `Buffer` as it loads, which would stop a Worker from starting if it were imported up front.
 */
const PARSERS: Record<string, () => Promise<Parser>> = {
  '.md': async () => parseMarkdown,
  '.markdown': async () => parseMarkdown,
  '.html': async () => parseHtml,
  '.htm': async () => parseHtml,
  '.txt': async () => parseText,
  '.json': async () => (source, content) => parseJson(source, content),
  '.csv': async () => {
    if (typeof (globalThis as { Buffer?: unknown }).Buffer === 'undefined') {
      throw new ParserUnavailable(
        'CSV files cannot be read on this runtime (Cloudflare Workers: the CSV reader needs Node.js); ' +
          'send the rows as JSON instead, or run npm run ingest -- --target <POSTGRES_URL> from a machine with Node',
      );
    }
    return (await import('./parse/csv')).parseCsv;
  },
};

export const UPLOAD_EXTENSIONS = Object.keys(PARSERS);

/** The parser for a file name, by extension; throws UnsupportedFile or ParserUnavailable. */
export async function uploadParser(name: string): Promise<Parser> {
  const ext = /\.[^./\\]+$/.exec(name.toLowerCase())?.[0];
  const load = ext ? PARSERS[ext] : undefined;
  if (!load) throw new UnsupportedFile(`"${name}" is not a file the ingest reads; it takes ${UPLOAD_EXTENSIONS.join(' ')}`);
  return load();
}

export interface UploadDeps {
  db: Db;
  vectors: VectorStore;
  embedder: Embedder;
  /** Where the uploaded file's original is kept; unset: nowhere. */
  objects?: ObjectStore;
  log?: Logger;
}

/** Throws FileFormatError (from the parser) before anything is written; IndexMismatchError from the store. */
export async function ingestUpload(
  deps: UploadDeps,
  siteId: string,
  file: { source: string; content: string; parser: Parser },
  opts: { batchSize?: number } = {},
): Promise<UploadSummary> {
  const { db, vectors, embedder } = deps;
  const parsed = file.parser(file.source, file.content);
  const info = { model: embedder.model, dimensions: embedder.dimensions };
  await vectors.ensure(info);

  const mine = (s: string) => s === file.source || s.startsWith(`${file.source}#`);
  const stored = new Map((await db.documents.list(siteId)).filter((d) => mine(d.source)).map((d) => [d.source, d]));
  const summary: UploadSummary = {
    source: file.source,
    unchanged: true,
    documents: { added: 0, updated: 0, unchanged: 0, removed: 0 },
    chunks: 0,
    products: parsed.products.length,
    orders: parsed.orders.length,
  };
  const pending: PendingDocument[] = [];
  const produced = new Set<string>();
  for (const doc of parsed.documents) {
    produced.add(doc.source);
    const hash = await documentHash(doc, { ...DEFAULT_CHUNKING, ...info });
    const previous = stored.get(doc.source) ?? null;
    if (previous?.hash === hash) {
      summary.documents.unchanged++;
      continue;
    }
    pending.push({ file: file.source, doc, hash, chunks: chunkDocument(doc, DEFAULT_CHUNKING), previousId: previous?.id ?? null });
  }
  const gone = [...stored.values()].filter((d) => !produced.has(d.source));

  // Embedded first, all of it: a failure here has written nothing.
  const texts = pending.flatMap((p) => p.chunks.map(embeddingText));
  const batchSize = opts.batchSize ?? 64;
  const embedded = new Map<string, Float32Array>();
  for (let i = 0; i < texts.length; i += batchSize) {
    const batch = texts.slice(i, i + batchSize);
    const out = await embedder.embed(batch, 'document');
    if (out.length !== batch.length) throw new Error(`the embedder returned ${out.length} vectors for ${batch.length} texts`);
    batch.forEach((t, j) => embedded.set(t, out[j]!));
  }
  if (pending.length) {
    // The CLI's store step, in one round (the vectors are already here).
    const ready: Embedder = { model: embedder.model, dimensions: embedder.dimensions, embed: async (batch) => batch.map((t) => embedded.get(t)!) };
    const written = await embedAndStore({ db, vectors, embedder: ready }, siteId, pending, Math.max(1, texts.length), () => {});
    if (written.failed.length) throw new Error(written.failed[0]!.error);
    for (const p of written.written) summary.documents[p.previousId ? 'updated' : 'added']++;
    summary.chunks = written.chunks;
  }
  if (parsed.products.length) await db.products.upsert(parsed.products.map((p) => ({ ...p, siteId })));
  if (parsed.orders.length) await db.orders.upsert(parsed.orders.map((o) => ({ ...o, siteId })));
  if (gone.length) {
    // Rows the file no longer holds (a deleted FAQ), as the CLI drops them; a product's row goes with its document.
    const ids = gone.map((d) => d.id);
    await vectors.deleteByDocuments(ids);
    await db.documents.delete(ids);
    const listed = new Set(parsed.products.map((p) => p.sku));
    const skus = gone.filter((d) => d.kind === 'product').map((d) => d.source.slice(file.source.length + 1));
    const dropped = skus.filter((s) => s && !listed.has(s));
    if (dropped.length) await db.products.delete(siteId, dropped);
    summary.documents.removed = gone.length;
  }
  summary.unchanged = pending.length === 0 && gone.length === 0;
  const notKept = await keepOriginal(deps.objects, siteId, { source: file.source, bytes: new TextEncoder().encode(file.content), orders: parsed.orders.length }, deps.log);
  if (notKept) summary.warning = notKept;
  return summary;
}
