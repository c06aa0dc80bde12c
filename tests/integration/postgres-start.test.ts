/**
 * Starting on POSTGRES_URL against Debian's PostgreSQL 15 (a real server) and against ports
 * nobody answers on: migrations under the schema lock when several processes start at once,
 * and a one-line StartupError naming POSTGRES_URL when the server cannot be reached or used.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../edge/config/load';
import { silentLogger } from '../../edge/ops/logger';
import { buildNodeDeps } from '../../edge/runtime/node/deps';
import { migrateTarget } from '../../edge/runtime/node/postgres-stores';
import { openServerPostgres } from '../../edge/runtime/node/server-postgres';
import { StartupError } from '../../edge/runtime/node/startup-error';
import { migrationsFolder } from '../../edge/stores/db/migrate';
import { migratePostgres, openPostgres, SCHEMA_LOCK_KEY } from '../../edge/stores/db/postgres';
import { runMainOnce } from '../helpers/node-process';
import { skipWithout } from '../servers/availability';
import { freePort, waitFor } from '../../scripts/local/free-port';
import { postgres15Missing, startPostgres15, type RunningPostgres } from '../servers/postgres15';

const skip = skipWithout('PostgreSQL 15', postgres15Missing());
const MIGRATIONS = readMigrationFiles({ migrationsFolder }).length;

describe.skipIf(skip)('migrations at start on PostgreSQL 15, several processes at once', () => {
  let pg15: RunningPostgres;
  let admin: pg.Pool;
  /** A new empty database on the server, so each test starts from nothing. */
  const freshDatabase = async (name: string) => {
    await admin.query(`CREATE DATABASE ${name}`);
    return pg15.url.replace(/\/postgres$/, `/${name}`);
  };
  const appliedCounts = async (url: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations GROUP BY hash');
      return rows.map((r) => r.n);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    pg15 = await startPostgres15();
    admin = new pg.Pool({ connectionString: pg15.url, max: 2 });
  });
  afterAll(async () => {
    await admin?.end();
    await pg15?.stop();
  });

  it('two pools migrating one fresh database at the same moment both succeed, each migration applied once', async () => {
    const url = await freshDatabase('race');
    const a = openPostgres(url);
    const b = openPostgres(url);
    try {
      await Promise.all([migratePostgres(a), migratePostgres(b)]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    expect(await appliedCounts(url)).toEqual(Array(MIGRATIONS).fill(1));
  });

  it('while another process holds the schema lock, both wait and change nothing; then both finish', async () => {
    const url = await freshDatabase('held');
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    const a = openPostgres(url);
    const b = openPostgres(url);
    const waited: string[] = [];
    try {
      const runs = Promise.all([migratePostgres(a, () => waited.push('a')), migratePostgres(b, () => waited.push('b'))]);
      await waitFor('both migrations to wait for the lock', async () => waited.length === 2);
      const { rows } = await holder.query(`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t`);
      expect(rows[0].t).toBeNull();
      await holder.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
      await runs;
    } finally {
      await Promise.all([a.close(), b.close(), holder.end()]);
    }
    expect(waited.sort()).toEqual(['a', 'b']);
    expect(await appliedCounts(url)).toEqual(Array(MIGRATIONS).fill(1));
  });

  it('two server starts and a db:migrate at the same moment all succeed', async () => {
    const url = await freshDatabase('deploy');
    const [s1, s2, migrated] = await Promise.all([
      openServerPostgres(url, { vectors: false, log: silentLogger }),
      openServerPostgres(url, { vectors: false, log: silentLogger }),
      migrateTarget(url, { vectorIndex: null }),
    ]);
    try {
      expect(migrated.vectors).toBe('skipped');
      await s1.db.ping();
      await s2.db.sites.upsert({ id: 'one', name: 'One', allowedOrigins: [] });
      expect((await s1.db.sites.list()).map((s) => s.id)).toContain('one');
    } finally {
      await Promise.all([s1.close(), s2.close()]);
    }
    expect(await appliedCounts(url)).toEqual(Array(MIGRATIONS).fill(1));
  });

  it('a migration that fails: one line with Postgres\' reason, not the failed query', async () => {
    const url = await freshDatabase('clash');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('CREATE TABLE audit_log (something_else int)');
    await c.end();
    const err = await openServerPostgres(url, { vectors: false, log: silentLogger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(`POSTGRES_URL: could not migrate the database at 127.0.0.1:${pg15.port}: relation "audit_log" already exists`);
  });

  it('a database that does not exist: StartupError with Postgres\' own reason', async () => {
    const url = pg15.url.replace(/\/postgres$/, '/nowhere');
    const err = await buildNodeDeps(loadConfig({ POSTGRES_URL: url }), silentLogger).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(`POSTGRES_URL: cannot connect to 127.0.0.1:${pg15.port} (database "nowhere" does not exist)`);
  });
});

describe.skipIf(skip)('PostgreSQL 15 that wants a password', () => {
  let pg15: RunningPostgres;
  beforeAll(async () => {
    pg15 = await startPostgres15({ password: 's3cret-right' });
  });
  afterAll(async () => {
    await pg15?.stop();
  });

  it('a wrong password: StartupError with Postgres\' own reason, the password shown nowhere', async () => {
    const err = await buildNodeDeps(loadConfig({ POSTGRES_URL: pg15.url.replace('s3cret-right', 'hunter2') }), silentLogger).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(`POSTGRES_URL: cannot connect to 127.0.0.1:${pg15.port} (password authentication failed for user "postgres")`);
  });

  it('the right one opens it', async () => {
    const store = await openServerPostgres(pg15.url, { vectors: false, log: silentLogger });
    await store.db.ping();
    await store.close();
  });
});

describe('POSTGRES_URL unreachable at start', () => {
  let silent: Server;
  const held: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never says a word: a server that hangs, or a firewall that swallows packets.
    silent = createServer((s) => held.push(s));
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((ok) => silent?.close(ok));
  });

  it('a closed port: StartupError at once, naming the variable and host:port, never the password', async () => {
    const port = await freePort();
    const started = performance.now();
    const err = await buildNodeDeps(loadConfig({ POSTGRES_URL: `postgres://app:hunter2@127.0.0.1:${port}/shop` }), silentLogger).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as StartupError).variable).toBe('POSTGRES_URL');
    expect((err as Error).message).toBe(`POSTGRES_URL: cannot connect to 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a server that never answers: StartupError after the connect timeout, not a hang', async () => {
    const { port } = silent.address() as { port: number };
    const started = performance.now();
    const err = await openServerPostgres(`postgres://app:hunter2@127.0.0.1:${port}/shop`, { vectors: false, log: silentLogger, connectTimeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(`POSTGRES_URL: cannot connect to 127.0.0.1:${port} (no answer within 0.3 s)`);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(held.length).toBeGreaterThan(0);
  });

  it('npm start (main.ts) prints one line naming POSTGRES_URL and exits non-zero', async () => {
    const port = await freePort();
    const r = await runMainOnce({ POSTGRES_URL: `postgres://app:hunter2@127.0.0.1:${port}/shop` });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    const lines = r.out.split('\n').filter((l) => l.includes('POSTGRES_URL'));
    expect(lines).toEqual([`POSTGRES_URL: cannot connect to 127.0.0.1:${port} (ECONNREFUSED)`]);
    expect(r.out).not.toContain('hunter2');
    expect(r.out).not.toMatch(/^\s+at /m);
  }, 90_000);
});
