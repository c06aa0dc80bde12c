/**
 * Vectors in Qdrant (@qdrant/js-client-rest), one collection per embedding model behind an
 * alias. Points carry site, document and kind as indexed payload: searches filter by site,
 * deletes go by document. The collection records which model built it and `ensure()` refuses
 * another, as pgvector does; `reset()` starts a fresh collection for `ingest --reembed`.
 * Every call runs under the store's ResiliencePolicy (timeout, retries, breaker).
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import { IndexMismatchError, type IndexInfo, type VectorHit, type VectorItem, type VectorStore } from '../../core/ports';
import type { ResiliencePolicy } from '../../core/resilience/policy';
import { collectionName, DEFAULT_QDRANT_PREFIX, parseCollectionName, pointId } from './qdrant-names';

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string;
  /** The alias the live collection is reached by, and the start of collection names. */
  prefix?: string;
  policy: ResiliencePolicy;
  /** Points per upsert request. */
  batchSize?: number;
}

const PAYLOAD_INDEXES: [string, Record<string, unknown>][] = [
  // A tenant index keeps each site's points together: filtered searches stay fast.
  ['site_id', { type: 'keyword', is_tenant: true }],
  ['document_id', { type: 'keyword' }],
  ['kind', { type: 'keyword' }],
];
const MAX_K = 200;
const DELETE_BATCH = 1000;

export class QdrantVectorStore implements VectorStore {
  readonly name = 'qdrant';
  readonly client: QdrantClient;
  private readonly prefix: string;
  private readonly batchSize: number;
  private collection: string | null = null;
  private dims: number | null = null;

  constructor(private readonly o: QdrantStoreOptions) {
    const url = new URL(o.url);
    // The client drops a URL's path unless it comes as `prefix`.
    const path = url.pathname.replace(/\/+$/, '');
    this.client = new QdrantClient({
      url: url.origin,
      ...(path ? { prefix: path } : {}),
      ...(o.apiKey ? { apiKey: o.apiKey } : {}),
      checkCompatibility: false,
      timeout: 60_000,
    });
    this.prefix = o.prefix ?? DEFAULT_QDRANT_PREFIX;
    this.batchSize = o.batchSize ?? 256;
  }

  async info(): Promise<IndexInfo | null> {
    const target = await this.aliasTarget();
    return target ? this.describe(target) : null;
  }

  async ensure(asked: IndexInfo): Promise<void> {
    if (!Number.isInteger(asked.dimensions) || asked.dimensions < 1 || asked.dimensions > 65_536) {
      throw new Error('dimensions must be an integer in 1..65536');
    }
    try {
      await this.ensureOnce(asked);
    } catch (err) {
      if (err instanceof IndexMismatchError) throw err;
      // Processes starting together race between "does it exist" and "create": the loser's
      // create fails because the winner's collection or alias is there now. Look again.
      await this.ensureOnce(asked);
    }
  }

  private async ensureOnce(asked: IndexInfo): Promise<void> {
    const target = await this.aliasTarget();
    if (target) {
      const built = await this.describe(target);
      if (built.model !== asked.model || built.dimensions !== asked.dimensions) throw new IndexMismatchError(built, asked);
      await this.indexPayload(target);
      return this.use(target, asked);
    }
    const name = collectionName(this.prefix, asked);
    const exists = await this.call('vectors ensure', () => this.client.collectionExists(name));
    if (!exists.exists) await this.create(name, asked);
    else await this.indexPayload(name);
    await this.call('vectors ensure', () => this.client.updateCollectionAliases({ actions: [{ create_alias: { collection_name: name, alias_name: this.prefix } }] }));
    this.use(name, asked);
  }

  /** A fresh, empty collection for `info`, made the live one; the old collection is dropped. */
  async reset(info: IndexInfo): Promise<void> {
    const old = await this.aliasTarget();
    const name = collectionName(this.prefix, info);
    if ((await this.call('vectors reset', () => this.client.collectionExists(name))).exists) {
      await this.call('vectors reset', () => this.client.deleteCollection(name));
    }
    await this.create(name, info);
    await this.call('vectors reset', () =>
      this.client.updateCollectionAliases({
        actions: [...(old ? [{ delete_alias: { alias_name: this.prefix } }] : []), { create_alias: { collection_name: name, alias_name: this.prefix } }],
      }),
    );
    if (old && old !== name) await this.call('vectors reset', () => this.client.deleteCollection(old));
    this.use(name, info);
  }

  async upsert(items: VectorItem[]): Promise<void> {
    const { collection, dims } = this.ready();
    for (const item of items) {
      if (item.vector.length !== dims) throw new Error(`vector for chunk ${item.chunkId} has ${item.vector.length} dimensions; the index holds ${dims}`);
    }
    for (let i = 0; i < items.length; i += this.batchSize) {
      const batch = items.slice(i, i + this.batchSize);
      const points = await Promise.all(
        batch.map(async (it) => ({
          id: await pointId(it.chunkId),
          vector: Array.from(it.vector),
          payload: { chunk_id: it.chunkId, site_id: it.siteId, document_id: it.documentId, kind: it.kind },
        })),
      );
      // Same ids on a retry: an upsert is safe to repeat.
      await this.call('vectors upsert', () => this.client.upsert(collection, { wait: true, points }));
    }
  }

  /** Qdrant indexes points in the background as they arrive: nothing to prepare or finish. */
  async bulkLoad<T>(_expected: number, load: () => Promise<T>): Promise<T> {
    this.ready();
    return load();
  }

  async deleteByDocuments(documentIds: string[]): Promise<void> {
    const { collection } = this.ready();
    for (let i = 0; i < documentIds.length; i += DELETE_BATCH) {
      const ids = documentIds.slice(i, i + DELETE_BATCH);
      await this.call('vectors delete', () => this.client.delete(collection, { wait: true, filter: { must: [{ key: 'document_id', match: { any: ids } }] } }));
    }
  }

  async search(siteId: string, vector: Float32Array, k: number): Promise<VectorHit[]> {
    const { collection, dims } = this.ready();
    if (vector.length !== dims) throw new Error(`query vector has ${vector.length} dimensions; the index holds ${dims}`);
    const limit = Math.min(Math.max(Math.floor(k), 0), MAX_K);
    if (limit === 0) return [];
    const res = await this.call('vectors search', () =>
      this.client.query(collection, {
        query: Array.from(vector),
        filter: { must: [{ key: 'site_id', match: { value: siteId } }] },
        limit,
        with_payload: ['chunk_id'],
      }),
    );
    return res.points.flatMap((p) => {
      const chunkId = p.payload?.chunk_id;
      return typeof chunkId === 'string' ? [{ chunkId, score: p.score }] : [];
    });
  }

  /** Number of stored points, for status pages and tests. */
  async count(siteId?: string): Promise<number> {
    const { collection } = this.ready();
    const res = await this.call('vectors count', () =>
      this.client.count(collection, { exact: true, ...(siteId === undefined ? {} : { filter: { must: [{ key: 'site_id', match: { value: siteId } }] } }) }),
    );
    return res.count;
  }

  private async create(name: string, info: IndexInfo): Promise<void> {
    // Through the raw API: the client's createCollection() does not pass `metadata` on.
    await this.call('vectors ensure', () =>
      this.client.api().createCollection({
        collection_name: name,
        vectors: { size: info.dimensions, distance: 'Cosine' },
        metadata: { model: info.model, dimensions: info.dimensions },
      }),
    );
    await this.indexPayload(name);
  }

  /** Idempotent: Qdrant accepts an index that already exists. */
  private async indexPayload(name: string): Promise<void> {
    for (const [field, schema] of PAYLOAD_INDEXES) {
      await this.call('vectors ensure', () =>
        this.client.createPayloadIndex(name, { field_name: field, field_schema: schema as { type: 'keyword' }, wait: true }),
      );
    }
  }

  private async aliasTarget(): Promise<string | null> {
    const { aliases } = await this.call('vectors info', () => this.client.getAliases());
    return aliases.find((a) => a.alias_name === this.prefix)?.collection_name ?? null;
  }

  private async describe(collection: string): Promise<IndexInfo> {
    const c = await this.call('vectors info', () => this.client.getCollection(collection));
    const vectors = c.config.params.vectors as { size?: number } | undefined;
    const meta = (c.config as { metadata?: { model?: unknown } | null }).metadata;
    const named = parseCollectionName(this.prefix, collection);
    const model = typeof meta?.model === 'string' ? meta.model : (named?.model ?? collection);
    return { model, dimensions: Number(vectors?.size ?? named?.dimensions ?? 0) };
  }

  private use(collection: string, info: IndexInfo): void {
    this.collection = collection;
    this.dims = info.dimensions;
  }

  private ready(): { collection: string; dims: number } {
    if (this.collection === null || this.dims === null) throw new Error('QdrantVectorStore: call ensure() before using the index');
    return { collection: this.collection, dims: this.dims };
  }

  private call<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    return this.o.policy.run(stage, () => fn());
  }
}
