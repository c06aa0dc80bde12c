/**
 * @neondatabase/serverless (Pool over WebSocket) → scripts/local/ws-proxy → pglite-socket (a real
 * Postgres wire server over PGlite with pgvector): the whole schema, the Db contract, and the
 * pgvector store on the same pool, as the Worker uses them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexMismatchError, type ChunkRow, type VectorItem } from '../../edge/core/ports';
import { openNeon, type OpenedNeon } from '../../edge/stores/db/neon';
import { PgVectorStore } from '../../edge/stores/vectors/pgvector';
import { neonLocalOptions } from '../servers/neon-config';
import { startPgliteServer, type PgliteServer } from '../../scripts/local/pglite-server';
import { startWsProxy, type WsProxy } from '../../scripts/local/ws-proxy';
import { dbContract } from './stores-db-contract';

let server: PgliteServer;
let proxy: WsProxy;
let neon: OpenedNeon;

beforeAll(async () => {
  [server, proxy] = await Promise.all([startPgliteServer(), startWsProxy()]);
  neon = openNeon(server.url, neonLocalOptions(proxy));
});
afterAll(async () => {
  await neon?.close();
  await proxy?.stop();
  await server?.stop();
});

dbContract('Neon driver → ws proxy → pglite-socket', () => ({ db: neon.db, raw: neon.sql }));

describe('PgVectorStore over the Neon pool', () => {
  const DIM = 8;
  const MODEL = { model: 'test-embed', dimensions: DIM };
  let store: PgVectorStore;
  let rows: ChunkRow[];

  const unit = (axis: number, tilt = 0) => {
    const v = new Float32Array(DIM);
    v[axis % DIM] = 1;
    v[(axis + 1) % DIM] = tilt;
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const items = (list: ChunkRow[], vec: (i: number) => Float32Array): VectorItem[] =>
    list.map((c, i) => ({ chunkId: c.id, siteId: c.siteId, documentId: c.documentId, kind: c.kind, vector: vec(i) }));

  beforeAll(async () => {
    await neon.db.sites.upsert({ id: 'vec', name: 'Vec', allowedOrigins: [] });
    rows = await neon.db.documents.replace(
      { id: 'doc-v', siteId: 'vec', source: 'v.md', kind: 'doc', title: 'v', url: null, hash: 'h' },
      Array.from({ length: 4 }, (_, i) => ({ kind: 'doc' as const, ord: i, title: 'v', url: null, content: `v ${i}`, tokens: 2 })),
    );
    store = new PgVectorStore(neon.sql);
  });

  it('records the model, and remembers the search settings it asked for', async () => {
    expect(await store.info()).toBeNull();
    await store.ensure(MODEL);
    expect(await store.info()).toEqual(MODEL);
    expect(neon.sql.settings()).toEqual({
      'hnsw.ef_search': '100',
      'hnsw.iterative_scan': 'relaxed_order',
    });
  });

  it('upserts and finds by cosine similarity, sites apart; concurrent searches agree', async () => {
    await store.upsert(items(rows, (i) => unit(i)));
    const hits = await store.search('vec', unit(2, 0.1), 4);
    expect(hits[0].chunkId).toBe(rows[2].id);
    expect(hits[0].score).toBeCloseTo(1 / Math.hypot(1, 0.1), 5);
    expect(hits[1].chunkId).toBe(rows[3].id);
    expect(await store.search('nobody', unit(2), 4)).toEqual([]);
    const many = await Promise.all(Array.from({ length: 6 }, (_, i) => store.search('vec', unit(i % 4), 1)));
    expect(many.map((h) => h[0].chunkId)).toEqual([0, 1, 2, 3, 0, 1].map((i) => rows[i].id));
    expect(await store.count('vec')).toBe(4);
  });

  it('refuses another model, and drops vectors with their document', async () => {
    await expect(new PgVectorStore(neon.sql).ensure({ model: 'other', dimensions: DIM })).rejects.toBeInstanceOf(IndexMismatchError);
    await expect(store.search('vec', new Float32Array(3), 1)).rejects.toThrow(/dimensions/);
    await neon.db.documents.delete(['doc-v']);
    expect(await store.count('vec')).toBe(0);
  });
});
