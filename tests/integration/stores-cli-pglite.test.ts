/**
 * `db:migrate --target` and `ingest --target` as a user runs them (child processes) against
 * pglite-socket (Postgres with pgvector); the ingested knowledge base is then read back the way
 * the Worker reads it: Neon driver → ws-proxy → the same server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { openNeon } from '../../edge/stores/db/neon';
import { PgVectorStore } from '../../edge/stores/vectors/pgvector';
import { ingestCli, migrateCli, smallKnowledgeBase } from '../servers/cli';
import { neonLocalOptions } from '../servers/neon-config';
import { startPgliteServer, type PgliteServer } from '../../scripts/local/pglite-server';
import { startWsProxy, type WsProxy } from '../../scripts/local/ws-proxy';

describe('db:migrate and ingest --target against pglite-socket (pgvector), read back through Neon', () => {
  let server: PgliteServer;
  let proxy: WsProxy;
  let kb: ReturnType<typeof smallKnowledgeBase>;
  beforeAll(async () => {
    kb = smallKnowledgeBase();
    [server, proxy] = await Promise.all([startPgliteServer(), startWsProxy()]);
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
    kb?.remove();
  });

  it('migrate prepares the vector index for the local embedder', async () => {
    const r = await migrateCli('--target', server.url);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('vectors:    pgvector index ready for local-hash-384');
    const { rows } = await server.pg.query<{ model: string; dimensions: number }>('select model, dimensions from vector_index_info');
    expect(rows).toEqual([{ model: 'local-hash-384', dimensions: 384 }]);
  });

  it('ingests a knowledge base that the Worker path then finds', async () => {
    const r = await ingestCli('--target', server.url, '--site', 'shop', '--create-site', kb.dir);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    const added = Number(/documents: (\d+) added/.exec(r.stdout)?.[1]);
    expect(added).toBeGreaterThan(10);

    const neon = openNeon(server.url, neonLocalOptions(proxy));
    try {
      expect(await neon.db.documents.count('shop')).toBe(added);
      const chunks = await neon.db.chunks.count('shop');
      const vectors = new PgVectorStore(neon.sql);
      const embedder = new LocalEmbedder();
      await vectors.ensure({ model: embedder.model, dimensions: embedder.dimensions });
      expect(await vectors.count('shop')).toBe(chunks);
      const [q] = await embedder.embed(['Can you ship to a PO box?'], 'query');
      const hits = await vectors.search('shop', q, 3);
      const [top] = await neon.db.chunks.get([hits[0].chunkId]);
      expect(top.content).toMatch(/PO box/i);
    } finally {
      await neon.close();
    }
  });
});
