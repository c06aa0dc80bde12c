import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithout } from '../servers/availability';
import { startPgliteServer, type PgliteServer } from '../servers/pglite-server';
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
  });
});

describe.skipIf(skipWithout('PostgreSQL 15', postgres15Missing()))('the Node server on Debian PostgreSQL 15 without pgvector', () => {
  let pg: RunningPostgres;
  let server: TestServer;
  beforeAll(async () => {
    pg = await startPostgres15();
    server = await startTestServer({ POSTGRES_URL: pg.url });
  });
  afterAll(async () => {
    await server?.destroy();
    await pg?.stop();
  });

  it('still answers, from full text alone', async () => {
    const { end, text } = await askOnce(server, 'How long do I have to return an item?');
    expect(end.citations.length).toBeGreaterThan(0);
    expect(text).toMatch(/60 days/);
  });
});
