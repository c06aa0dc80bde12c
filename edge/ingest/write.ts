/**
 * The embed-and-store phase: changed documents' chunks are embedded in batches across
 * documents (a cloud embedder is paid per call as much as per text), then stored a round at a
 * time: documents and chunks in one transaction, vectors in one upsert.
 */
import { documentIdFor } from '../core/content-ids';
import type { Db, Embedder, VectorItem, VectorStore } from '../core/ports';
import type { Chunk } from './chunk';
import type { ParsedDocument } from './types';

export interface PendingDocument {
  file: string;
  doc: ParsedDocument;
  hash: string;
  chunks: Chunk[];
  /** The stored document's id when this replaces it. */
  previousId: string | null;
}

export interface WriteResult {
  written: PendingDocument[];
  chunks: number;
  failed: { file: string; error: string }[];
}

/** Chunks per store round: one transaction for their documents and chunks, one vector load. */
const ROUND_CHUNKS = 1024;

type Embedded = { ok: true; vectors: Float32Array[] } | { ok: false; error: unknown };

export async function embedAndStore(
  deps: { db: Db; vectors: VectorStore; embedder: Embedder },
  siteId: string,
  pending: PendingDocument[],
  batchSize: number,
  onEmbedded: (done: number, total: number) => void,
): Promise<WriteResult> {
  const total = chunkCount(pending);
  const result: WriteResult = { written: [], chunks: 0, failed: [] };
  onEmbedded(0, total);
  if (pending.length === 0) return result;

  // Chunks embedded so far, per round: a round tried again file by file counts its chunks once.
  const progress = new Map<PendingDocument[], number>();
  let done = 0;
  const count = (round: PendingDocument[], n: number) => {
    progress.set(round, (progress.get(round) ?? 0) + n);
    done += n;
    onEmbedded(done, total);
  };
  const uncount = (round: PendingDocument[]) => {
    done -= progress.get(round) ?? 0;
    progress.delete(round);
  };

  /** Settles, never rejects: the next round is embedded while this one is stored. */
  const embed = async (round: PendingDocument[]): Promise<Embedded> => {
    try {
      const texts = round.flatMap((p) => p.chunks.map(embeddingText));
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const batch = texts.slice(i, i + batchSize);
        vectors.push(...(await deps.embedder.embed(batch, 'document')));
        count(round, batch.length);
      }
      if (vectors.length !== texts.length) throw new Error(`the embedder returned ${vectors.length} vectors for ${texts.length} texts`);
      return { ok: true, vectors };
    } catch (error) {
      return { ok: false, error };
    }
  };
  const stored = (round: PendingDocument[]) => {
    result.written.push(...round);
    result.chunks += chunkCount(round);
  };

  // Rounds of several embedding batches share one store round: one transaction and one vector
  // load each, while the embedder works on the next round. The vectors are loaded as one bulk
  // load (pgvector builds its HNSW graph once, at the end). When a round fails, its files are
  // tried one by one, so only the file at fault is reported.
  const rounds = [...groups(pending, Math.max(ROUND_CHUNKS, batchSize))];
  await deps.vectors.bulkLoad(total, async () => {
    let next = embed(rounds[0]);
    for (let r = 0; r < rounds.length; r++) {
      const round = rounds[r];
      const embedded = await next;
      if (r + 1 < rounds.length) next = embed(rounds[r + 1]);
      try {
        if (!embedded.ok) throw embedded.error;
        await storeGroup(deps, siteId, round, embedded.vectors);
        stored(round);
        continue;
      } catch {
        // Tried again below, file by file.
      }
      uncount(round);
      const made = embedded.ok ? vectorsByDocument(round, embedded.vectors) : null;
      for (const file of byFile(round)) {
        const n = chunkCount(file);
        // Vectors already made are not asked for again: only a round that could not be embedded is.
        const vectors: Embedded = made ? { ok: true, vectors: file.flatMap((p) => made.get(p)!) } : await embed(file);
        if (made) count(file, n);
        try {
          if (!vectors.ok) throw vectors.error;
          await storeGroup(deps, siteId, file, vectors.vectors);
          stored(file);
        } catch (e) {
          result.failed.push({ file: file[0].file, error: `could not embed or store: ${e instanceof Error ? e.message : String(e)}` });
          uncount(file);
          count(file, n);
        }
      }
    }
  });
  return result;
}

function chunkCount(docs: PendingDocument[]): number {
  return docs.reduce((n, p) => n + p.chunks.length, 0);
}

/** Each document's vectors, from the vectors of a round's chunks in order. */
function vectorsByDocument(round: PendingDocument[], vectors: Float32Array[]): Map<PendingDocument, Float32Array[]> {
  const out = new Map<PendingDocument, Float32Array[]>();
  let offset = 0;
  for (const p of round) {
    out.set(p, vectors.slice(offset, offset + p.chunks.length));
    offset += p.chunks.length;
  }
  return out;
}

/** A round's documents by file, files in the order they come. */
function byFile(group: PendingDocument[]): PendingDocument[][] {
  const files = new Map<string, PendingDocument[]>();
  for (const p of group) {
    const list = files.get(p.file);
    if (list) list.push(p);
    else files.set(p.file, [p]);
  }
  return [...files.values()];
}

async function storeGroup(deps: { db: Db; vectors: VectorStore }, siteId: string, group: PendingDocument[], vectors: Float32Array[]): Promise<void> {
  const items: VectorItem[] = [];
  const stored: string[] = [];
  try {
    // One transaction: the round's documents are all stored, or none is.
    const ids = await Promise.all(group.map((p) => p.previousId ?? documentIdFor(siteId, p.doc.source)));
    const saved = await deps.db.documents.replaceMany(
      group.map((p, i) => ({
        doc: {
          id: ids[i],
          siteId,
          source: p.doc.source,
          kind: p.doc.kind,
          title: p.doc.title,
          url: p.doc.url,
          hash: p.hash,
        },
        chunks: p.chunks.map((c) => ({ kind: p.doc.kind, ord: c.ord, title: c.title, url: c.url, content: c.content, tokens: c.tokens })),
      })),
    );
    let offset = 0;
    group.forEach((p, i) => {
      // The store keeps the id of a row it already had for this source; vectors follow the store.
      const { documentId, chunks } = saved[i];
      stored.push(documentId);
      for (const row of chunks) {
        items.push({ chunkId: row.id, siteId, documentId, kind: p.doc.kind, vector: vectors[offset + row.ord] });
      }
      offset += p.chunks.length;
    });
    // Old vectors go by document id, so they must go before the new ones arrive.
    await deps.vectors.deleteByDocuments(stored);
    await deps.vectors.upsert(items);
  } catch (e) {
    // A document whose new hash is stored without its vectors would count as unchanged next
    // time and never be searchable: drop it so the next run adds it again.
    if (stored.length) {
      await deps.db.documents.delete(stored).catch(() => undefined);
      await deps.vectors.deleteByDocuments(stored).catch(() => undefined);
    }
    throw e;
  }
}

/** The chunk as the embedder sees it: its heading path gives a short section its context. */
export function embeddingText(chunk: Chunk): string {
  return chunk.content.startsWith(chunk.title) ? chunk.content : `${chunk.title}\n\n${chunk.content}`;
}

/** Consecutive documents holding about `size` chunks together (a long document alone). */
function* groups(pending: PendingDocument[], size: number): Generator<PendingDocument[]> {
  let group: PendingDocument[] = [];
  let n = 0;
  for (const p of pending) {
    if (group.length && n + p.chunks.length > size) {
      yield group;
      group = [];
      n = 0;
    }
    group.push(p);
    n += p.chunks.length;
  }
  if (group.length) yield group;
}
