/**
 * PGlite on a worker thread (pglite-thread.ts), as the server's embedded stores open it: the
 * same answers as PGlite in process, Postgres' errors with their fields, transactions kept
 * whole while other queries wait, COPY through '/dev/blob' both ways, and a thread that dies
 * failing what waits and what follows with a clear error instead of hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PgliteThread } from '../../../edge/stores/db/pglite-thread';

let thread: PgliteThread;
let local: PGlite;

const SETUP = `
  CREATE EXTENSION IF NOT EXISTS vector;
  CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, tags text[], meta jsonb, at timestamptz, v vector(3));
  INSERT INTO t VALUES (1, 'one', '{a,b}', '{"k": 1}', '2026-01-02 03:04:05+00', '[1,2,3]'), (2, 'two', NULL, NULL, NULL, NULL);`;

beforeAll(async () => {
  thread = await PgliteThread.open(null, PGlite.defaultStartParams);
  local = await PGlite.create({ extensions: { vector } });
  await thread.exec(SETUP);
  await local.exec(SETUP);
}, 60_000);

afterAll(async () => {
  await thread?.close();
  await local?.close();
});

describe('PGlite on a worker thread', () => {
  it('answers as PGlite in process does, in object and array rows', async () => {
    const sql = 'SELECT id, name, tags, meta, v::text AS v, $1::int + id AS plus FROM t ORDER BY id';
    const [a, b] = await Promise.all([thread.query(sql, [10]), local.query(sql, [10])]);
    expect(a.rows).toEqual(b.rows);
    expect(a.rows[0]).toMatchObject({ id: 1, tags: ['a', 'b'], meta: { k: 1 }, plus: 11 });
    expect(a.fields.map((f) => f.name)).toEqual(['id', 'name', 'tags', 'meta', 'v', 'plus']);
    const arrays = await thread.query('SELECT id, name FROM t ORDER BY id', [], { rowMode: 'array' });
    expect(arrays.rows).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    // drizzle reads timestamps as text and maps them itself: the thread keeps that.
    expect((await thread.query<{ at: unknown }>('SELECT at FROM t WHERE id = 1')).rows[0].at).toBe('2026-01-02 03:04:05+00');
  });

  it("rejects with Postgres' own error fields, and goes on serving", async () => {
    const err = await thread.query('INSERT INTO t (id, name) VALUES (1, $1)', ['dup']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', message: expect.stringMatching(/duplicate key/), constraint: 't_pkey' });
    expect((await thread.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 2 }]);
  });

  it('keeps a transaction whole: others wait for it, a throw rolls it back', async () => {
    const order: string[] = [];
    let outside!: Promise<unknown>;
    await thread.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id, name) VALUES (3, 'three')");
      // Issued meanwhile from outside: it must not run inside this transaction.
      outside = thread.query('SELECT count(*)::int AS n FROM t').then((r) => {
        order.push('outside');
        return r.rows;
      });
      await new Promise((r) => setTimeout(r, 50));
      order.push('tx end');
    });
    expect(await outside).toEqual([{ n: 3 }]);
    expect(order).toEqual(['tx end', 'outside']);

    await expect(
      thread.transaction(async (tx) => {
        await tx.query("INSERT INTO t (id, name) VALUES (4, 'four')");
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await thread.query('SELECT id FROM t ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it("moves COPY data through '/dev/blob' both ways", async () => {
    const out = await thread.query("COPY (SELECT id, name FROM t ORDER BY id) TO '/dev/blob' WITH (FORMAT csv)");
    expect(out.blob).toBeInstanceOf(Blob);
    expect(await out.blob!.text()).toBe('1,one\n2,two\n3,three\n');
    await thread.exec("CREATE TABLE u (id int, name text); COPY u FROM '/dev/blob' WITH (FORMAT csv)", { blob: new Blob(['7,seven\n8,eight\n']) });
    expect((await thread.query('SELECT * FROM u ORDER BY id')).rows).toEqual([
      { id: 7, name: 'seven' },
      { id: 8, name: 'eight' },
    ]);
  });

  it('fails what waits and what follows when its thread dies, and never hangs', async () => {
    const doomed = await PgliteThread.open(null, PGlite.defaultStartParams);
    const waiting = doomed.query('SELECT pg_sleep(2)');
    await (doomed as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(waiting).rejects.toThrow(/embedded database stopped/);
    await expect(doomed.query('SELECT 1')).rejects.toThrow(/embedded database stopped/);
    await doomed.close();
  });

  it('refuses queries once closed', async () => {
    const closing = await PgliteThread.open(null, PGlite.defaultStartParams);
    await closing.close();
    expect(closing.closed).toBe(true);
    await expect(closing.query('SELECT 1')).rejects.toThrow(/closed/);
  });

  it('says why when the database cannot be opened', async () => {
    await expect(PgliteThread.open('/proc/no-such-dir/db', PGlite.defaultStartParams)).rejects.toThrow(/\S/);
  });
});
