/**
 * @neondatabase/serverless → scripts/local/ws-proxy → Debian's PostgreSQL 15 (a real server, no
 * pgvector): the relational schema, migrated by the db:migrate command's code, held to the Db
 * contract; and the pool's search settings holding on every connection of a real
 * multi-connection server.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateTarget, openPostgresStores } from '../../edge/runtime/node/postgres-stores';
import { migrationsFolder } from '../../edge/stores/db/migrate';
import { openNeon, type OpenedNeon } from '../../edge/stores/db/neon';
import { skipWithout } from '../servers/availability';
import { neonLocalOptions } from '../servers/neon-config';
import { postgres15Missing, startPostgres15, type RunningPostgres } from '../servers/postgres15';
import { startWsProxy, type WsProxy } from '../../scripts/local/ws-proxy';
import { dbContract } from './stores-db-contract';

const skip = skipWithout('PostgreSQL 15', postgres15Missing());

let pg15: RunningPostgres;
let proxy: WsProxy;
let neon: OpenedNeon;

describe.skipIf(skip)('Neon driver → ws proxy → PostgreSQL 15', () => {
  beforeAll(async () => {
    [pg15, proxy] = await Promise.all([startPostgres15(), startWsProxy()]);
    const migrated = await migrateTarget(pg15.url, { vectorIndex: { model: 'm', dimensions: 4 } });
    expect(migrated).toEqual({ applied: readMigrationFiles({ migrationsFolder }).length, vectors: 'no-pgvector' });
    neon = openNeon(pg15.url, { ...neonLocalOptions(proxy), max: 4 });
  });
  afterAll(async () => {
    await neon?.close();
    await proxy?.stop();
    await pg15?.stop();
  });

  it('migrating again applies nothing', async () => {
    expect(await migrateTarget(pg15.url, { vectorIndex: null })).toEqual({ applied: 0, vectors: 'skipped' });
  });

  it('refuses to open it for an ingest: no pgvector, said plainly', async () => {
    await expect(openPostgresStores(pg15.url)).rejects.toThrow(/no pgvector extension/);
  });

  dbContract('Neon driver → ws proxy → PostgreSQL 15', () => ({ db: neon.db, raw: neon.sql }));

  it('applies remembered search settings on every pooled connection, and only to vector queries', async () => {
    // hnsw.* are placeholder settings on a server without pgvector: enough to watch them travel.
    await neon.sql.exec('SET hnsw.ef_search = 77;\nSET hnsw.iterative_scan = relaxed_order;');
    expect(neon.sql.settings()).toEqual({ 'hnsw.ef_search': '77', 'hnsw.iterative_scan': 'relaxed_order' });
    // The comment carries pgvector's distance operator, which this server cannot parse as SQL.
    const probe = `SELECT current_setting('hnsw.ef_search', true) AS ef, pg_backend_pid() AS pid
      FROM pg_sleep(0.05) -- ORDER BY embedding <=> $1`;
    const vectorQueries = await Promise.all(Array.from({ length: 4 }, () => neon.sql.query<{ ef: string; pid: number }>(probe)));
    expect(new Set(vectorQueries.map((r) => r.rows[0].pid)).size).toBeGreaterThan(1);
    for (const r of vectorQueries) expect(r.rows[0].ef).toBe('77');
    // Outside those transactions the setting is not on the connections (SET LOCAL ended with them).
    const plain = await Promise.all(
      Array.from({ length: 4 }, () => neon.sql.query<{ ef: string | null }>(`SELECT current_setting('hnsw.ef_search', true) AS ef FROM pg_sleep(0.05)`)),
    );
    expect(plain.filter((r) => r.rows[0].ef !== '77').length).toBeGreaterThan(0);
    // A failing vector query rolls back and leaves its connection usable.
    await expect(neon.sql.query('SELECT 1/0 -- <=>')).rejects.toThrow(/division by zero/);
    expect((await neon.sql.query<{ n: number }>('SELECT 1 AS n -- <=>')).rows[0].n).toBe(1);
  });
});
