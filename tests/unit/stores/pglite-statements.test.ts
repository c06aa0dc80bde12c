/**
 * The database thread's queries (pglite-statements.mjs): one call into Postgres, and a statement
 * seen twice kept prepared under a name. Every answer and error is compared with PGlite's own
 * `query` on a twin database, first run and repeated runs alike, and through what can make a
 * prepared statement stale (a table altered, dropped and made again) or leave it mid-exchange
 * (an error, a failed transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Statements } from '../../../edge/stores/db/pglite-statements.mjs';

let ours: PGlite;
let theirs: PGlite;
let statements: Statements;

// As the worker opens it: drizzle reads dates as text.
const asText = (value: string) => value;
const parsers = { [types.TIMESTAMPTZ]: asText, [types.DATE]: asText };

const SETUP = `
  CREATE EXTENSION IF NOT EXISTS vector;
  CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, tags text[], meta jsonb, at timestamptz, big bigint, v vector(3), raw bytea);
  INSERT INTO t VALUES (1, 'one', '{a,b}', '{"k": 1}', '2026-01-02 03:04:05+00', 9007199254740993, '[1,2,3]', '\\x0102'),
                       (2, 'two', NULL, NULL, NULL, NULL, NULL, NULL);`;

/** Runs `sql` on both databases; resolves with both outcomes (result or error). */
async function both(sql: string, params: unknown[] = [], options?: { rowMode?: 'array' | 'object' }) {
  const settle = (p: Promise<unknown>) => p.then((result) => ({ result }), (error: unknown) => ({ error }));
  return Promise.all([settle(statements.query(sql, params, options)), settle(theirs.query(sql, params, options))]);
}

const named = async () => (await ours.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements')).rows[0].n;

beforeAll(async () => {
  ours = await PGlite.create({ extensions: { vector }, parsers });
  theirs = await PGlite.create({ extensions: { vector }, parsers });
  statements = new Statements(ours);
  await ours.exec(SETUP);
  await theirs.exec(SETUP);
}, 60_000);

afterAll(async () => {
  await ours?.close();
  await theirs?.close();
});

describe('the database thread’s prepared statements', () => {
  it('answers as PGlite’s query does, on the first run and on the runs that reuse the prepared statement', async () => {
    const cases: [string, unknown[], { rowMode?: 'array' | 'object' }?][] = [
      ['SELECT * FROM t ORDER BY id', []],
      ['SELECT id, name FROM t WHERE id = $1', [2], { rowMode: 'array' }],
      ['SELECT $1::jsonb AS j, $2::text[] AS a, $3::timestamptz AS at, $4::bigint AS b, $5::bool AS f, $6::int AS n', [{ x: [1, 'é'] }, ['a', 'b"c'], new Date('2026-03-04T05:06:07Z'), 12n, false, null]],
      ['UPDATE t SET name = name WHERE id > $1', [0]],
      ['SELECT v <=> $1::vector AS d FROM t WHERE id = 1', ['[1,2,4]']],
      ['SELECT 1 AS one WHERE false', []],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [sql, params, options] of cases) {
        const [a, b] = await both(sql, params, options);
        expect(a, `${sql} (round ${round})`).toEqual(b);
        expect('result' in a, sql).toBe(true);
      }
    }
    // Seen twice and more: each is now prepared under a name (and only once).
    expect(await named()).toBe(cases.length);
  });

  it('does not prepare what it sees once (a list of literals, DDL)', async () => {
    const before = await named();
    for (let i = 0; i < 20; i++) await statements.query(`SELECT ${i} AS n, name FROM t WHERE id IN (1, ${i})`);
    expect(await named()).toBe(before);
  });

  it('rejects with Postgres’ own fields and the query, as PGlite does, and goes on serving', async () => {
    const failing: [string, unknown[]][] = [
      ['SELEC 1', []],
      ['INSERT INTO t (id, name) VALUES ($1, $2)', [1, 'dup']],
      ['SELECT $1::int AS n', ['not a number']],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [sql, params] of failing) {
        const [a, b] = await both(sql, params);
        const [ea, eb] = [(a as { error: Record<string, unknown> }).error, (b as { error: Record<string, unknown> }).error];
        expect(ea, sql).toBeInstanceOf(Error);
        for (const field of ['message', 'code', 'severity', 'detail', 'position', 'constraint', 'query', 'params']) expect(ea[field], `${sql}: ${field}`).toEqual(eb[field]);
      }
      const [a, b] = await both('SELECT count(*)::int AS n FROM t');
      expect(a).toEqual(b);
    }
  });

  it('follows the schema: a prepared statement over a table altered, then dropped and made again', async () => {
    await ours.exec('CREATE TABLE s (id int PRIMARY KEY, a text)');
    await theirs.exec('CREATE TABLE s (id int PRIMARY KEY, a text)');
    const sql = 'SELECT * FROM s ORDER BY id';
    for (const step of [
      `INSERT INTO s VALUES (1, 'x')`,
      'ALTER TABLE s ADD COLUMN b int DEFAULT 7',
      'ALTER TABLE s ALTER COLUMN a TYPE varchar(4)',
      `DROP TABLE s; CREATE TABLE s (id bigint, c jsonb); INSERT INTO s VALUES (5, '{"y": 2}')`,
    ]) {
      await ours.exec(step);
      await theirs.exec(step);
      for (let run = 0; run < 2; run++) {
        const [a, b] = await both(sql);
        expect(a, `after ${step}`).toEqual(b);
        expect('result' in a).toBe(true);
      }
    }
  });

  it('keeps a failed transaction failed until its rollback, then serves its statements again', async () => {
    const sql = 'SELECT name FROM t WHERE id = $1';
    await statements.query(sql, [1]);
    await statements.query(sql, [1]);
    await ours.exec('BEGIN');
    await expect(statements.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await expect(statements.query(sql, [1])).rejects.toMatchObject({ code: '25P02' });
    await ours.exec('ROLLBACK');
    expect((await statements.query(sql, [2])).rows).toEqual([{ name: 'two' }]);
  });

  it('keeps at most 256 statements prepared, closing the least recently used', async () => {
    for (let i = 0; i < 300; i++) {
      const sql = `SELECT $1::int + ${i} AS n`;
      await statements.query(sql, [1]);
      expect((await statements.query(sql, [1])).rows).toEqual([{ n: 1 + i }]);
    }
    expect(await named()).toBe(256);
    // The first of those was closed; asked again, it is prepared afresh and right.
    expect((await statements.query('SELECT $1::int + 0 AS n', [5])).rows).toEqual([{ n: 5 }]);
  });

  it('leaves COPY through a blob to PGlite', async () => {
    const out = await statements.query("COPY (SELECT id, name FROM t ORDER BY id) TO '/dev/blob' WITH (FORMAT csv)");
    expect(await out.blob!.text()).toBe('1,one\n2,two\n');
  });
});
