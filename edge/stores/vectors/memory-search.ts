/**
 * pgvector's search on the embedded database without its HNSW graph: an exact int8 index in
 * this process's memory (memory-index.ts) finds the candidates, and they are re-scored as
 * pgvector scores them, from their stored vectors (kept in memory: exact-vectors.ts).
 */
import type { VectorHit, VectorItem } from '../../core/ports';
import { ExactVectors, keptNorm, normedDistance, squaredNorm } from './exact-vectors';
import { MemoryVectorIndex, type Int8TopK } from './memory-index';
import type { SqlClient } from './pgvector';
import { quoted, readCopyBinary, textArrayLiteral } from './sql-forms';

/** Candidates the memory index gives beyond k, re-scored exactly: int8 may swap near ties. */
const RESCORE_EXTRA = 20;
/** Vectors per COPY page when a site is loaded into the memory index (~16 MB at 384 dimensions). */
const LOAD_PAGE = 10_000;

export class MemorySearch {
  private readonly index: MemoryVectorIndex;
  /** Candidates' stored vectors, for re-scoring without a query. */
  private readonly exact = new ExactVectors();

  constructor(
    private readonly client: SqlClient,
    topK: Int8TopK,
    onLoaded?: (siteId: string, vectors: number, ms: number) => void,
  ) {
    this.index = new MemoryVectorIndex(topK, (siteId, row) => this.loadSite(siteId, row), onLoaded);
  }

  /**
   * The memory index's candidates, scored as pgvector scores them, from their stored vectors
   * (read once, then kept: see exact-vectors.ts). Rows deleted behind the index's back (a site
   * or a document removed by cascade) are not found: when they are most of the candidates, the
   * site is loaded again and searched once more.
   */
  async search(siteId: string, vector: Float32Array, limit: number, retried = false): Promise<VectorHit[]> {
    const candidates = await this.index.nearest(siteId, vector, limit + Math.max(limit, RESCORE_EXTRA));
    if (candidates.length === 0) return [];
    const found = new Map<string, Float32Array>();
    for (const id of candidates) {
      const kept = this.exact.get(id);
      if (kept) found.set(id, kept);
    }
    const missing = candidates.filter((id) => !found.has(id));
    if (missing.length > 0) {
      const readAt = this.exact.version;
      await this.readVectors(siteId, missing, (chunkId, stored) => {
        found.set(chunkId, stored);
        this.exact.keep(chunkId, stored, readAt);
      });
    }
    if (!retried && found.size < candidates.length / 2 && found.size < limit) {
      this.index.forget(siteId);
      this.exact.changed();
      return this.search(siteId, vector, limit, true);
    }
    const norm = squaredNorm(vector);
    return [...found]
      .map(([chunkId, stored]) => ({ chunkId, score: 1 - normedDistance(vector, stored, norm, keptNorm(stored)) }))
      .sort((a, b) => b.score - a.score || (a.chunkId < b.chunkId ? -1 : 1))
      .slice(0, limit);
  }

  /** Loads the site's vectors now rather than on its first search. */
  async warm(siteId: string, dims: number): Promise<void> {
    await this.index.nearest(siteId, new Float32Array(dims), 1);
  }

  async upserted(items: VectorItem[]): Promise<void> {
    this.exact.changed();
    await this.index.upserted(items);
  }

  async deleted(documentIds: string[]): Promise<void> {
    this.exact.changed();
    await this.index.deleted(documentIds);
  }

  /** The database's chunks changed behind the store (a cascade): kept vectors are not trusted. */
  changed(): void {
    this.exact.changed();
  }

  /** Everything goes (the index was reset). */
  forget(): void {
    this.index.forget();
    this.exact.changed();
  }

  /** Stored vectors of the given chunks of a site, in one binary COPY. */
  private async readVectors(siteId: string, chunkIds: string[], row: (chunkId: string, vector: Float32Array) => void): Promise<void> {
    const { blob } = await this.client.query(
      `COPY (SELECT chunk_id, document_id, embedding FROM chunk_vectors
         WHERE site_id = ${quoted(siteId)} AND chunk_id = ANY(${textArrayLiteral(chunkIds)}))
       TO '/dev/blob' WITH (FORMAT binary)`,
    );
    if (!blob) throw new Error('the database wrote no COPY output (memoryIndex needs PGlite)');
    // The reader reuses its vector between rows: each is copied.
    readCopyBinary(new Uint8Array(await blob.arrayBuffer()), (chunkId, _documentId, stored) => row(chunkId, Float32Array.from(stored)));
  }

  /** A site's stored vectors in binary COPY pages by chunk id, for the memory index. */
  private async loadSite(siteId: string, row: (chunkId: string, documentId: string, vector: Float32Array) => void): Promise<void> {
    let after = '';
    for (;;) {
      const { blob } = await this.client.query(
        `COPY (SELECT chunk_id, document_id, embedding FROM chunk_vectors
           WHERE site_id = ${quoted(siteId)} AND chunk_id > ${quoted(after)} ORDER BY chunk_id LIMIT ${LOAD_PAGE})
         TO '/dev/blob' WITH (FORMAT binary)`,
      );
      if (!blob) throw new Error('the database wrote no COPY output (memoryIndex needs PGlite)');
      let n = 0;
      readCopyBinary(new Uint8Array(await blob.arrayBuffer()), (chunkId, documentId, vector) => {
        row(chunkId, documentId, vector);
        after = chunkId;
        n++;
      });
      if (n < LOAD_PAGE) return;
    }
  }
}
