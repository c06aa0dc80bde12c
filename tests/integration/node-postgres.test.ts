import pg from 'pg';
import { runCli, smallKnowledgeBase } from '../servers/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartupError } from '../../edge/runtime/node/startup-error';
import { startQdrantFake, type QdrantFake } from '../fakes/qdrant-server';
import { skipWithout } from '../servers/availability';
import { startPgliteServer, type PgliteServer } from '../../scripts/local/pglite-server';
import { postgres15Missing, startPostgres15, type RunningPostgres } from '../servers/postgres15';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

async function askOnce(server: TestServer, text: string) {
  const s = await TestSocket.open(server.wsUrl());
  await s.hello();
  const answer = await s.ask('q1', text);
  s.close();
  return answer;
}

describe('the Node server on PostgreSQL with pgvector (POSTGRES_URL → pglite-socket over the wire)', () => {
  let pg: PgliteServer;
  let server: TestServer;
  beforeAll(async () => {
    pg = await startPgliteServer();
    server = await startTestServer({ POSTGRES_URL: pg.url });
  });
  afterAll(async () => {
    await server?.destroy();
    await pg?.stop();
  });

  it('migrates, loads the demo data into that database and answers from it', async () => {
    const { end, text } = await askOnce(server, 'How long do I have to return an item?');
    expect(end.citations.length).toBeGreaterThan(0);
    expect(text).toMatch(/60 days/);
    const { rows } = await pg.pg.query<{ n: number }>('select count(*)::int as n from chunk_vectors');
    expect(rows[0].n).toBeGreaterThan(50);
    // The server created the extension itself, under the schema lock.
    const ext = await pg.pg.query(`select 1 from pg_extension where extname = 'vector'`);
    expect(ext.rows).toHaveLength(1);
  });
});

describe.skipIf(skipWithout('PostgreSQL 15', postgres15Missing()))('the Node server on Debian PostgreSQL 15 without pgvector', () => {
  let pg15: RunningPostgres;
  let admin: pg.Pool;
  let qdrant: QdrantFake;
  let server: TestServer | undefined;
  const freshDatabase = async (name: string) => {
    await admin.query(`CREATE DATABASE ${name}`);
    return pg15.url.replace(/\/postgres$/, `/${name}`);
  };
  beforeAll(async () => {
    [pg15, qdrant] = await Promise.all([startPostgres15(), startQdrantFake()]);
    admin = new pg.Pool({ connectionString: pg15.url, max: 2 });
  });
  afterAll(async () => {
    await server?.destroy();
    await admin?.end();
    await Promise.all([pg15?.stop(), qdrant?.close()]);
  });

  it('does not start without QDRANT_URL: one line naming POSTGRES_URL, what to install, and QDRANT_URL; nothing migrated', async () => {
    const url = await freshDatabase('refused');
    const err = await startTestServer({ POSTGRES_URL: url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(
      `POSTGRES_URL: 127.0.0.1:${pg15.port} has no pgvector extension: install it (e.g. the postgresql-15-pgvector package, ` +
        'then nothing else: the server creates the extension) or set QDRANT_URL to keep vectors in Qdrant',
    );
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query(`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t`);
    await c.end();
    expect(rows[0].t).toBeNull();
  });

  it('with QDRANT_URL (a local server speaking Qdrant\'s protocol) it starts: tables in PostgreSQL 15, vectors in Qdrant, and answers', async () => {
    const url = await freshDatabase('withqdrant');
    server = await startTestServer({ POSTGRES_URL: url, QDRANT_URL: qdrant.url });
    const { end, text } = await askOnce(server, 'How long do I have to return an item?');
    expect(end.citations.length).toBeGreaterThan(0);
    expect(text).toMatch(/60 days/);

    const points = [...qdrant.collections.values()].reduce((n, c) => n + c.points.size, 0);
    expect(points).toBeGreaterThan(50);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const chunks = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks WHERE site_id = 'demo'`);
      expect(chunks.rows[0].n).toBe(points);
      const answered = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE role = 'assistant'`);
      expect(answered.rows[0].n).toBe(1);
      const vectorsHere = await c.query(`SELECT to_regclass('chunk_vectors')::text AS t`);
      expect(vectorsHere.rows[0].t).toBeNull();
    } finally {
      await c.end();
    }

    // Content loaded later goes the same way: POSTGRES_URL (the default target) and Qdrant.
    const kb = smallKnowledgeBase();
    try {
      const r = await runCli('node', ['--import', 'tsx', 'ingest/cli.ts', '--site', 'kb', '--create-site', kb.dir], 60_000, { POSTGRES_URL: url, QDRANT_URL: qdrant.url });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/pgvector/);
      const after = [...qdrant.collections.values()].reduce((n, c) => n + c.points.size, 0);
      expect(after).toBeGreaterThan(points);
    } finally {
      kb.remove();
    }
  });
});
