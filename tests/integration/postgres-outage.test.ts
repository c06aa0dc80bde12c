/**
 * The Node server's Postgres pool when Debian's PostgreSQL 15 (a real server) stops under it
 * and comes back: requests fail within seconds instead of hanging, dead idle connections do
 * not crash the process, and the same pool serves again once the server is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../edge/core/ports';
import { openServerPostgres } from '../../edge/runtime/node/server-postgres';
import { skipWithout } from '../servers/availability';
import { waitFor } from '../../scripts/local/free-port';
import { postgres15Missing, startPostgres15, type RunningPostgres } from '../servers/postgres15';

const skip = skipWithout('PostgreSQL 15', postgres15Missing());

describe.skipIf(skip)('PostgreSQL 15 stopped and started again under an open pool', () => {
  let pg15: RunningPostgres;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };

  beforeAll(async () => {
    pg15 = await startPostgres15();
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
  });
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await pg15?.stop();
  });

  it('ping rejects within seconds while it is down, nothing crashes, and the same pool recovers by itself', async () => {
    const store = await openServerPostgres(pg15.url, { vectors: false, log });
    try {
      await store.db.sites.upsert({ id: 'kept', name: 'Kept', allowedOrigins: [] });
      // Several idle connections in the pool when the server goes: each one dies on its own.
      await Promise.all([store.db.ping(), store.db.ping(), store.db.ping()]);
      expect(store.pg.pool.idleCount).toBeGreaterThan(0);

      await pg15.down();
      const started = performance.now();
      await expect(store.db.ping()).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(5_000);
      await expect(store.db.sites.list()).rejects.toThrow();
      await waitFor('the pool to report its lost connections', async () => warnings.some((w) => /PostgreSQL connection failed/.test(w)));

      await pg15.up();
      await waitFor('ping to succeed again', async () => (await store.db.ping(), true), { ms: 20_000 });
      expect((await store.db.sites.list()).map((s) => s.id)).toContain('kept');
      expect(crashes).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a query the server does not answer in time fails at the query timeout, and the pool goes on', async () => {
    const store = await openServerPostgres(pg15.url, { vectors: false, log, queryTimeoutMs: 500 });
    try {
      const started = performance.now();
      await expect(store.pg.pool.query('SELECT pg_sleep(20)')).rejects.toThrow(/timeout/i);
      expect(performance.now() - started).toBeLessThan(5_000);
      await store.db.ping();
      expect(crashes).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
