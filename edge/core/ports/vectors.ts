/** The vector index: a chunk's vector by document, searched by cosine within a site. */

export type DocKind = 'faq' | 'doc' | 'product';

export interface VectorItem {
  chunkId: string;
  siteId: string;
  documentId: string;
  kind: DocKind;
  vector: Float32Array;
}
export interface VectorHit {
  chunkId: string;
  /** Cosine similarity in -1..1. */
  score: number;
}
export interface IndexInfo {
  model: string;
  dimensions: number;
}
export interface VectorStore {
  readonly name: string;
  /**
   * Why vector search is off (the index could not be prepared at start), when it is: retrieval
   * then answers from full text alone without embedding the question. Stated here rather than
   * by the store's class, since each runtime wraps its stores in its own way.
   */
  readonly unavailable?: Error;
  /** Loads what the site's searches read in memory, if anything, now rather than on its first question. */
  warm?(siteId: string): Promise<void>;
  /** Prepares the index for this model; throws `IndexMismatchError` if another model built it. */
  ensure(info: IndexInfo): Promise<void>;
  info(): Promise<IndexInfo | null>;
  upsert(items: VectorItem[]): Promise<void>;
  /**
   * Runs `load`, which upserts about `expected` vectors, as one bulk load: the store may prepare
   * for it and finish once at the end (pgvector builds its HNSW graph once after a load that is
   * large next to the index, instead of vector by vector). What `load` stored stays when it
   * throws, and the index is whole again when this returns or throws.
   */
  bulkLoad<T>(expected: number, load: () => Promise<T>): Promise<T>;
  deleteByDocuments(documentIds: string[]): Promise<void>;
  search(siteId: string, vector: Float32Array, k: number): Promise<VectorHit[]>;
}

export class IndexMismatchError extends Error {
  constructor(readonly built: IndexInfo, readonly asked: IndexInfo) {
    super(
      `the vector index was built with ${built.model} (${built.dimensions} dimensions) but this server embeds with ` +
        `${asked.model} (${asked.dimensions}); re-embed with \`npm run ingest -- --reembed\` or set EMBEDDING_MODEL=${built.model}`,
    );
    this.name = 'IndexMismatchError';
  }
}
