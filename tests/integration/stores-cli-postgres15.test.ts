/**
 * `npm run db:migrate -- --target` and `ingest --target` as a user runs them (child processes)
 * against Debian's PostgreSQL 15, which has no pgvector: migrations apply, ingest explains
 * what is missing.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../edge/stores/db/migrate';
import { skipWithout } from '../servers/availability';
import { ingestCli, migrateCli, runCli, smallKnowledgeBase } from '../servers/cli';
import { postgres15Missing, startPostgres15, type RunningPostgres } from '../servers/postgres15';

const skip = skipWithout('PostgreSQL 15', postgres15Missing());

describe.skipIf(skip)('db:migrate and ingest --target against PostgreSQL 15 (no pgvector)', () => {
  let pg15: RunningPostgres;
  let kb: ReturnType<typeof smallKnowledgeBase>;
  beforeAll(async () => {
    kb = smallKnowledgeBase();
    pg15 = await startPostgres15();
  });
  afterAll(async () => {
    await pg15?.stop();
    kb?.remove();
  });

  it('ingest refuses a database that was not migrated, naming the command', async () => {
    const r = await ingestCli('--target', pg15.url, '--create-site', kb.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the database schema is not there; run: npm run db:migrate -- --target <url>');
  });

  it('npm run db:migrate migrates once, warns that vectors need pgvector, then has nothing to do', async () => {
    const first = await runCli('npm', ['run', '-s', 'db:migrate', '--', '--target', pg15.url]);
    expect(first.code).toBe(0);
    const all = readMigrationFiles({ migrationsFolder }).length;
    expect(first.stdout).toContain(`migrations: ${all} applied (schema updated)`);
    expect(first.stderr).toMatch(/warning: this PostgreSQL server has no pgvector extension/);
    expect(first.stderr).toMatch(/postgresql-15-pgvector .* or set QDRANT_URL to keep vectors in Qdrant/);
    const again = await migrateCli('--target', pg15.url, '--no-vectors');
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('migrations: 0 applied (already current)');
  });

  it('ingest then says the server cannot hold vectors; a refused connection hides the password', async () => {
    const r = await ingestCli('--target', pg15.url, '--create-site', kb.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ingest: this PostgreSQL server has no pgvector extension/);
    const refused = await migrateCli('--target', 'postgres://postgres:hunter2@127.0.0.1:1/postgres');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('postgres://postgres:***@127.0.0.1:1/postgres');
    expect(refused.stderr).not.toContain('hunter2');
  });
});
