/**
 * One site's stored chunks embedded again with the current embedder and written over their
 * vectors (the admin API's re-embed): after an embedder's behaviour changed, or to fill a new
 * vector store (a Qdrant collection) without the source files. Every chunk is embedded before
 * the first vector is written. Another model's index is refused (IndexMismatchError): that
 * takes every site at once, `npm run ingest -- --reembed` (reembed.ts).
 */
import type { ChunkRow } from '../core/ports';
import type { UploadDeps } from './upload';
import { embeddingText } from './write';

export interface SiteReembedSummary {
  siteId: string;
  model: string;
  documents: number;
  chunks: number;
  ms: number;
}

export async function reembedSite(deps: UploadDeps, siteId: string, opts: { batchSize?: number } = {}): Promise<SiteReembedSummary> {
  const started = performance.now();
  const { db, vectors, embedder } = deps;
  await vectors.ensure({ model: embedder.model, dimensions: embedder.dimensions });
  const docs = await db.documents.list(siteId);
  const chunks: ChunkRow[] = [];
  for (const doc of docs) chunks.push(...(await db.chunks.ofDocument(doc.id)));
  const batchSize = opts.batchSize ?? 64;
  const embedded: Float32Array[] = [];
  for (let i = 0; i < chunks.length; i += batchSize) {
    const batch = chunks.slice(i, i + batchSize);
    const out = await embedder.embed(batch.map(embeddingText), 'document');
    if (out.length !== batch.length) throw new Error(`the embedder returned ${out.length} vectors for ${batch.length} texts`);
    embedded.push(...out);
  }
  // Keyed by chunk id: each write replaces that chunk's vector. One bulk load (pgvector builds
  // its HNSW graph once at its end when the site is a large part of the index).
  await vectors.bulkLoad(chunks.length, async () => {
    for (let i = 0; i < chunks.length; i += 500) {
      const batch = chunks.slice(i, i + 500);
      await vectors.upsert(batch.map((c, j) => ({ chunkId: c.id, siteId, documentId: c.documentId, kind: c.kind, vector: embedded[i + j]! })));
    }
  });
  return { siteId, model: embedder.model, documents: docs.length, chunks: chunks.length, ms: Math.round(performance.now() - started) };
}
