/**
 * A vector store that could not be prepared (another embedding model built it, or its server
 * did not answer at start): it says why on every use, and retrieval answers from full text
 * alone instead of returning another model's neighbours.
 */
import type { IndexInfo, VectorHit, VectorItem, VectorStore } from '../../core/ports';

export class RefusingVectorStore implements VectorStore {
  readonly name: string;

  constructor(
    private readonly inner: VectorStore,
    readonly unavailable: Error,
  ) {
    this.name = `${inner.name} (unavailable)`;
  }

  info(): Promise<IndexInfo | null> {
    return this.inner.info();
  }
  async ensure(): Promise<void> {
    throw this.unavailable;
  }
  async upsert(_items: VectorItem[]): Promise<void> {
    throw this.unavailable;
  }
  async bulkLoad<T>(_expected: number, _load: () => Promise<T>): Promise<T> {
    throw this.unavailable;
  }
  async deleteByDocuments(_ids: string[]): Promise<void> {
    throw this.unavailable;
  }
  async search(_siteId: string, _vector: Float32Array, _k: number): Promise<VectorHit[]> {
    throw this.unavailable;
  }
}
