/**
 * `npm run ingest -- --reembed`: rebuilds the vector index for the current embedder from the
 * chunks already stored, for every site, without the source files. Needed after changing
 * EMBEDDING_MODEL, since the index refuses queries from another model.
 */
import type { ChunkRow } from '../core/ports';
import { IngestConfigError } from './errors';
import type { IngestDeps } from './run';
import { embeddingText } from './write';

export interface ReembedSummary {
  sites: number;
  documents: number;
  chunks: number;
  ms: number;
}

export async function reembedStored(
  deps: IngestDeps,
  opts: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ReembedSummary> {
  const started = performance.now();
  const { db, vectors, embedder } = deps;
  if (!vectors.reset) throw new IngestConfigError(`the vector store "${vectors.name}" cannot be reset for --reembed`);
  const sites = await db.sites.list();
  const chunks: ChunkRow[] = [];
  let documents = 0;
  for (const site of sites) {
    for (const doc of await db.documents.list(site.id)) {
      documents++;
      chunks.push(...(await db.chunks.ofDocument(doc.id)));
    }
  }
  // Reset only once everything to embed is known: a failure before this point changes nothing.
  await vectors.reset({ model: embedder.model, dimensions: embedder.dimensions });
  const batchSize = opts.batchSize ?? 64;
  opts.onProgress?.(0, chunks.length);
  // One bulk load into the emptied index: pgvector builds its HNSW graph once, at the end.
  await vectors.bulkLoad(chunks.length, async () => {
    for (let i = 0; i < chunks.length; i += batchSize) {
      const batch = chunks.slice(i, i + batchSize);
      const embedded = await embedder.embed(batch.map(embeddingText), 'document');
      await vectors.upsert(batch.map((c, j) => ({ chunkId: c.id, siteId: c.siteId, documentId: c.documentId, kind: c.kind, vector: embedded[j] })));
      opts.onProgress?.(Math.min(i + batchSize, chunks.length), chunks.length);
    }
  });
  return { sites: sites.length, documents, chunks: chunks.length, ms: Math.round(performance.now() - started) };
}
