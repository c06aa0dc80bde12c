/**
 * ingest(): files → parse → chunk → embed → store, for one site. Unchanged documents (same
 * content hash) are skipped; a file that cannot be parsed is reported and leaves what is
 * stored for it untouched. The CLI and the server's first-start demo load both call this,
 * which is why it lives under edge/: ingest/cli.ts imports edge, never the other way round.
 *
 * A file whose bytes are those of the last run, and whose documents are stored as that run
 * left them, is skipped unparsed (Db.ingestedFiles remembers both; see file-memo.ts): going
 * over an unchanged folder again costs a stat per file, or a read and a hash for a file whose
 * metadata changed.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Db, DocumentRow, Embedder, IndexInfo, IngestedFileRow, Logger, ObjectStore, VectorStore } from '../core/ports';
import { chunkDocument, DEFAULT_CHUNKING, type ChunkOptions } from './chunk';
import { IngestConfigError } from './errors';
import { documentHash } from './hash';
import { documentsDigest, fileSettings, hashFile, statKey } from './file-memo';
import { dropOriginals, fileOfSource, keepOriginal } from './originals';
import { parserFor } from './parse';
import type { IngestSummary, ProgressEvent } from './progress';
import { FileFormatError } from './types';
import { collectFiles, isUnder, type FoundFile } from './walk';
import { embedAndStore, type PendingDocument } from './write';

export type { IngestSummary, ProgressEvent } from './progress';
export { describeProgress, formatSummary, chunksPerSecond } from './progress';
export { IngestConfigError } from './errors';

export interface IngestDeps {
  db: Db;
  /** `reset` (from the embedded stores) is needed only for `reembed`. */
  vectors: VectorStore & { reset?(info: IndexInfo): Promise<void> };
  embedder: Embedder;
  log?: Logger;
  /** Where each parsed file's original is kept; unset: nowhere. */
  objects?: ObjectStore;
}

export interface IngestOptions {
  siteId: string;
  paths: string[];
  /** Files with the sources they were first ingested under, instead of `paths` (originals fetched into a folder). */
  files?: FoundFile[];
  /** Remove documents whose file, under `paths`, no longer exists. */
  prune?: boolean;
  /** Reset the vector index for the current embedder and embed every document again. */
  reembed?: boolean;
  /** Create the site when it does not exist (otherwise that is an error). */
  createSite?: boolean;
  /** Sources are paths relative to this folder; default the working directory. */
  baseDir?: string;
  chunking?: ChunkOptions;
  /** Texts per embedder call. */
  batchSize?: number;
  onProgress?: (e: ProgressEvent) => void;
}

export async function ingest(deps: IngestDeps, opts: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { db, vectors, embedder, log } = deps;
  const { siteId } = opts;
  const baseDir = opts.baseDir ?? process.cwd();
  const chunking = { ...DEFAULT_CHUNKING, ...opts.chunking };
  const emit = opts.onProgress ?? (() => {});

  await ensureSite(db, siteId, opts.createSite ?? false);
  const { files, skipped } = opts.files ? { files: opts.files, skipped: [] } : await collectFiles(opts.paths, baseDir);
  const info: IndexInfo = { model: embedder.model, dimensions: embedder.dimensions };
  if (opts.reembed) {
    if (!vectors.reset) throw new IngestConfigError(`the vector store "${vectors.name}" cannot be reset for --reembed`);
    await vectors.reset(info);
  } else {
    await vectors.ensure(info);
  }

  const summary: IngestSummary = {
    siteId,
    files: files.length,
    skipped,
    documents: { added: 0, updated: 0, unchanged: 0, removed: 0 },
    chunks: 0,
    products: 0,
    orders: 0,
    failed: [],
    warnings: [],
    ms: 0,
  };
  for (const s of skipped) log?.debug('ingest: skipped', { file: s.source, reason: s.reason });
  emit({ type: 'start', files: files.length, skipped });

  const stored = new Map((await db.documents.list(siteId)).map((d) => [d.source, d]));
  const produced = new Set<string>();
  const parsedFiles = new Set<string>();
  const pending: PendingDocument[] = [];
  /** SKUs some file of this run lists: a product that moved between files is not gone. */
  const listedSkus = new Set<string>();

  const found = new Set(files.map((f) => f.source));
  // With --reembed every file is read: its documents are all embedded again.
  const remembered = opts.reembed ? new Map<string, IngestedFileRow>() : new Map((await db.ingestedFiles.list(siteId)).map((r) => [r.source, r]));
  const storedOf = remembered.size ? storedByFile(stored, found) : new Map<string, DocumentRow[]>();
  const settings = fileSettings(chunking, info);
  /** Files to remember at the end (those of documents alone, once stored), by source. */
  const toRemember = new Map<string, IngestedFileRow>();
  /** Files parsed this run (not skipped as remembered). */
  const reparsed = new Set<string>();

  for (const [i, file] of files.entries()) {
    try {
      // Sync: files are small, and a read through the thread pool costs more than the read.
      const stat = statKey(statSync(file.path, { bigint: true }), settings);
      const last = remembered.get(file.source);
      const storedDocs = last ? (storedOf.get(file.source) ?? []) : [];
      const asStored = last !== undefined && last.documents === documentsDigest(storedDocs.map((d) => [d.source, d.hash]));
      // The same file (by its size, times and inode, else by its bytes) gave these documents, and
      // they are stored as that run left them: nothing to parse.
      let bytes: Buffer | null = null;
      let fileHash = '';
      let skip = asStored && stat !== null && last!.stat === stat;
      if (!skip) {
        bytes = readFileSync(file.path);
        fileHash = hashFile(bytes, settings);
        skip = asStored && last!.hash === fileHash;
        if (skip && last!.stat !== stat) toRemember.set(file.source, { ...last!, stat });
      }
      if (skip) {
        for (const d of storedDocs) produced.add(d.source);
        summary.documents.unchanged += storedDocs.length;
        parsedFiles.add(file.source);
        const none = { changed: 0, products: 0, orders: 0 };
        emit({ type: 'file', file: file.source, done: i + 1, total: files.length, ok: true, documents: storedDocs.length, ...none });
        continue;
      }
      reparsed.add(file.source);
      const parsed = parserFor(file.path)!(file.source, bytes!.toString('utf8'));
      let unchanged = 0;
      const fileDocs: PendingDocument[] = [];
      const given: [string, string][] = [];
      for (const doc of parsed.documents) {
        produced.add(doc.source);
        const hash = await documentHash(doc, { ...chunking, ...info });
        given.push([doc.source, hash]);
        const previous = stored.get(doc.source) ?? null;
        if (previous && previous.hash === hash && !opts.reembed) {
          unchanged++;
          continue;
        }
        fileDocs.push({ file: file.source, doc, hash, chunks: chunkDocument(doc, chunking), previousId: previous?.id ?? null });
      }
      // Products and orders are written on every read: only a file of documents alone is skipped.
      if (parsed.documents.length && !parsed.products.length && !parsed.orders.length) {
        toRemember.set(file.source, { source: file.source, hash: fileHash, stat, documents: documentsDigest(given) });
      }
      if (parsed.products.length) await db.products.upsert(parsed.products.map((p) => ({ ...p, siteId })));
      for (const p of parsed.products) listedSkus.add(p.sku);
      if (parsed.orders.length) await db.orders.upsert(parsed.orders.map((o) => ({ ...o, siteId })));
      summary.products += parsed.products.length;
      summary.orders += parsed.orders.length;
      summary.documents.unchanged += unchanged;
      const notKept = await keepOriginal(deps.objects, siteId, { source: file.source, bytes: bytes!, orders: parsed.orders.length }, log);
      if (notKept) summary.warnings.push(notKept);
      pending.push(...fileDocs);
      parsedFiles.add(file.source);
      emit({
        type: 'file',
        file: file.source,
        done: i + 1,
        total: files.length,
        ok: true,
        documents: parsed.documents.length,
        changed: fileDocs.length,
        products: parsed.products.length,
        orders: parsed.orders.length,
      });
    } catch (e) {
      const error = e instanceof FileFormatError ? e.problem : e instanceof Error ? e.message : String(e);
      summary.failed.push({ file: file.source, error });
      log?.warn('ingest: file failed', { file: file.source, error });
      const none = { documents: 0, changed: 0, products: 0, orders: 0 };
      emit({ type: 'file', file: file.source, done: i + 1, total: files.length, ok: false, ...none, error });
    }
  }

  const written = await embedAndStore(deps, siteId, pending, opts.batchSize ?? 64, (done, total) =>
    emit({ type: 'embed', done, total }),
  );
  summary.chunks = written.chunks;
  for (const p of written.written) summary.documents[p.previousId ? 'updated' : 'added']++;
  for (const f of written.failed) {
    summary.failed.push(f);
    parsedFiles.delete(f.file);
    toRemember.delete(f.file);
  }

  const gone = staleDocuments(stored, produced, parsedFiles, found, opts, baseDir);
  if (gone.length) {
    const ids = gone.map((d) => d.id);
    await vectors.deleteByDocuments(ids);
    await db.documents.delete(ids);
    summary.documents.removed = gone.length;
    // A product's document goes with its row in the catalogue (source "file#SKU").
    const skus = gone.filter((d) => d.kind === 'product').map((d) => d.source.slice(fileOfSource(d.source, found).length + 1));
    const dropped = skus.filter((sku) => sku && !listedSkus.has(sku));
    if (dropped.length) await db.products.delete(siteId, dropped);
    // A file gone from the folder (pruned): its original goes with its documents.
    const pruned = gone.map((d) => fileOfSource(d.source, found)).filter((file) => !found.has(file));
    const notDropped = await dropOriginals(deps.objects, siteId, pruned, log);
    if (notDropped) summary.warnings.push(notDropped);
  }
  if (opts.reembed) {
    const missed = [...stored.values()].filter((d) => !produced.has(d.source) && !gone.includes(d)).length;
    if (missed) {
      summary.warnings.push(
        `${missed} stored document${missed === 1 ? ' was' : 's were'} not re-embedded (file missing, failed or outside the ` +
          'given paths) and cannot be found by vector search until ingested again',
      );
    }
  }

  await rememberFiles(db, siteId, toRemember, remembered, reparsed, parsedFiles, found, opts, baseDir).catch((e) =>
    // Only a memo: the next run reads these files again.
    log?.warn('ingest: could not remember the files read', { error: e instanceof Error ? e.message : String(e) }),
  );

  summary.ms = Math.round(performance.now() - started);
  log?.info('ingest: done', { siteId, documents: summary.documents, chunks: summary.chunks, failed: summary.failed.length, ms: summary.ms });
  emit({ type: 'done', summary });
  return summary;
}

async function ensureSite(db: Db, siteId: string, create: boolean): Promise<void> {
  if (await db.sites.get(siteId)) return;
  if (!create) throw new IngestConfigError(`site "${siteId}" does not exist; make it with npm run site -- create ${siteId} --origin <your pages' origin>, or pass --create-site`);
  await db.sites.upsert({ id: siteId, name: siteId, allowedOrigins: [] });
}

/**
 * Documents to remove: rows of a file read this run that the file no longer holds (a deleted
 * FAQ row), and, with `prune`, documents of files under the given paths that are gone. A
 * file that failed keeps everything it had.
 */
function staleDocuments(
  stored: Map<string, DocumentRow>,
  produced: Set<string>,
  parsedFiles: Set<string>,
  found: Set<string>,
  opts: IngestOptions,
  baseDir: string,
): DocumentRow[] {
  const out: DocumentRow[] = [];
  for (const doc of stored.values()) {
    if (produced.has(doc.source)) continue;
    const file = fileOfSource(doc.source, found);
    if (parsedFiles.has(file)) out.push(doc);
    else if (opts.prune && !found.has(file) && isUnder(file, opts.paths, baseDir)) out.push(doc);
  }
  return out;
}

/** The file part of a source ("faq.csv#returns" → "faq.csv"), even when a file name holds '#'. */
/** The site's stored documents by the file each came from. */
function storedByFile(stored: Map<string, DocumentRow>, found: Set<string>): Map<string, DocumentRow[]> {
  const out = new Map<string, DocumentRow[]>();
  for (const doc of stored.values()) {
    const file = fileOfSource(doc.source, found);
    const list = out.get(file);
    if (list) list.push(doc);
    else out.set(file, [doc]);
  }
  return out;
}

/**
 * Files remembered for the next run: those parsed now that gave documents alone, all stored,
 * and remembered ones found unchanged by their bytes (their size, times or inode are new). A
 * file that failed keeps its old memo (its bytes changed, so it no longer matches); one parsed
 * now that also gives products or orders, or that was pruned, is forgotten.
 */
async function rememberFiles(
  db: Db,
  siteId: string,
  toRemember: Map<string, IngestedFileRow>,
  remembered: Map<string, IngestedFileRow>,
  reparsed: Set<string>,
  parsedFiles: Set<string>,
  found: Set<string>,
  opts: IngestOptions,
  baseDir: string,
): Promise<void> {
  const rows = [...toRemember.values()].filter((r) => parsedFiles.has(r.source));
  if (rows.length) await db.ingestedFiles.save(siteId, rows);
  const forget = [...remembered.keys()].filter(
    (source) =>
      (reparsed.has(source) && parsedFiles.has(source) && !toRemember.has(source)) ||
      (opts.prune && !found.has(source) && isUnder(source, opts.paths, baseDir)),
  );
  if (forget.length) await db.ingestedFiles.delete(siteId, forget);
}
