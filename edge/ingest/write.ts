/**
 * The embed-and-store phase: changed documents' chunks are embedded in batches across
 * documents (a cloud embedder is paid per call as much as per text), then each document is
 * replaced with its chunks and vectors.
 */
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

export async function embedAndStore(
  deps: { db: Db; vectors: VectorStore; embedder: Embedder },
  siteId: string,
  pending: PendingDocument[],
  batchSize: number,
  onEmbedded: (done: number, total: number) => void,
): Promise<WriteResult> {
  const total = chunkCount(pending);
  const result: WriteResult = { written: [], chunks: 0, failed: [] };
  let done = 0;
  onEmbedded(0, total);

  const embedGroup = async (group: PendingDocument[]): Promise<void> => {
    const texts = group.flatMap((p) => p.chunks.map(embeddingText));
    const vectors: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      const batch = texts.slice(i, i + batchSize);
      vectors.push(...(await deps.embedder.embed(batch, 'document')));
      done += batch.length;
      onEmbedded(done, total);
    }
    if (vectors.length !== texts.length) throw new Error(`the embedder returned ${vectors.length} vectors for ${texts.length} texts`);
    await storeGroup(deps, siteId, group, vectors);
    result.written.push(...group);
    result.chunks += texts.length;
  };

  // Several embedding batches share one store round (fewer, larger vector upserts). When a
  // round fails, its files are tried one by one, so only the file at fault is reported.
  for (const group of groups(pending, batchSize * 4)) {
    const groupStart = done;
    try {
      await embedGroup(group);
    } catch {
      done = groupStart;
      for (const file of byFile(group)) {
        const fileStart = done;
        try {
          await embedGroup(file);
        } catch (e) {
          result.failed.push({ file: file[0].file, error: `could not embed or store: ${e instanceof Error ? e.message : String(e)}` });
          done = fileStart + chunkCount(file);
          onEmbedded(done, total);
        }
      }
    }
  }
  return result;
}

function chunkCount(docs: PendingDocument[]): number {
  return docs.reduce((n, p) => n + p.chunks.length, 0);
}

function byFile(group: PendingDocument[]): PendingDocument[][] {
  const files = new Map<string, PendingDocument[]>();
  for (const p of group) files.set(p.file, [...(files.get(p.file) ?? []), p]);
  return [...files.values()];
}

async function storeGroup(deps: { db: Db; vectors: VectorStore }, siteId: string, group: PendingDocument[], vectors: Float32Array[]): Promise<void> {
  const items: VectorItem[] = [];
  const stored: string[] = [];
  let offset = 0;
  try {
    for (const p of group) {
      const rows = await deps.db.documents.replace(
        {
          id: p.previousId ?? `doc_${crypto.randomUUID().replaceAll('-', '')}`,
          siteId,
          source: p.doc.source,
          kind: p.doc.kind,
          title: p.doc.title,
          url: p.doc.url,
          hash: p.hash,
        },
        p.chunks.map((c) => ({ kind: p.doc.kind, ord: c.ord, title: c.title, url: c.url, content: c.content, tokens: c.tokens })),
      );
      // The store keeps the id of a row it already had for this source; vectors follow the store.
      const id = rows[0].documentId;
      stored.push(id);
      for (const row of rows) {
        items.push({ chunkId: row.id, siteId, documentId: id, kind: p.doc.kind, vector: vectors[offset + row.ord] });
      }
      offset += p.chunks.length;
    }
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
