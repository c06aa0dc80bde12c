import type { IndexInfo, VectorHit, VectorItem, VectorStore } from '../../core/ports';

/**
 * No vector index at all (a PostgreSQL without pgvector and no Qdrant): documents are stored
 * and found by full text alone. Re-embed with `npm run ingest -- --reembed` once an index exists.
 */
export class NoVectorStore implements VectorStore {
  readonly name = 'none';
  async ensure(_info: IndexInfo): Promise<void> {}
  async info(): Promise<IndexInfo | null> {
    return null;
  }
  async upsert(_items: VectorItem[]): Promise<void> {}
  bulkLoad<T>(_expected: number, load: () => Promise<T>): Promise<T> {
    return load();
  }
  async deleteByDocuments(_ids: string[]): Promise<void> {}
  async search(_siteId: string, _vector: Float32Array, _k: number): Promise<VectorHit[]> {
    return [];
  }
}
