/**
 * A visitor's data, exported and erased through the admin API, on the Node server with real
 * stores: PostgreSQL (PGlite + pgvector behind the Postgres wire protocol) and a Redis server.
 * After the erasure, every table and every Redis key is read: nothing of that visitor is left,
 * another visitor's conversation is untouched, and the audit log says an erasure happened
 * without saying what was erased.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgliteServer, type PgliteServer } from '../../scripts/local/pglite-server';
import { startRedis, type RunningRedis } from '../../scripts/local/redis';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const ADMIN = 'admin-token-0123456789';
const EMAIL = 'ines.carvalho@example.com';
let postgres: PgliteServer;
let redis: RunningRedis;
let server: TestServer;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPgliteServer(), startRedis()]);
  server = await startTestServer({ POSTGRES_URL: postgres.url, REDIS_URL: redis.url, ADMIN_TOKEN: ADMIN });
}, 120_000);
afterAll(async () => {
  await server?.destroy();
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

const admin = (path: string, method = 'GET') => fetch(`http://127.0.0.1:${server.port}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` } });

/** Rows of every table that mention `needle` anywhere, by table. */
async function rowsMentioning(needle: string): Promise<Record<string, number>> {
  const tables = (await postgres.pg.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public'`)).rows.map((r) => r.t);
  const out: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await postgres.pg.query<{ n: number }>(`select count(*)::int as n from "${t}" x where x::text like $1`, [`%${needle}%`]);
    if (rows[0].n > 0) out[t] = rows[0].n;
  }
  return out;
}

async function redisKeysMentioning(needle: string): Promise<string[]> {
  const c = createClient({ url: redis.url });
  await c.connect();
  try {
    const keys = await c.keys('*');
    const out: string[] = [];
    for (const k of keys) {
      const type = await c.type(k);
      const value = type === 'list' ? (await c.lRange(k, 0, -1)).join('\n') : type === 'string' ? ((await c.get(k)) ?? '') : '';
      if (k.includes(needle) || value.includes(needle)) out.push(k);
    }
    return out;
  } finally {
    await c.quit();
  }
}

describe('a visitor exported and erased (admin API; PostgreSQL and Redis servers on loopback)', () => {
  it('exports everything held about the visitor, then erases it from every table and key', async () => {
    const a = await TestSocket.open(server.wsUrl());
    const { session } = await a.hello();
    await a.ask('q1', 'Where is my order JP-10388?');
    const { end } = await a.ask('q2', `My email is ${EMAIL}`);
    a.send({ type: 'feedback', answer: end.id, rating: 'up', comment: 'quick, thanks' });
    await a.ask('q3', 'I want to talk to a real person please');
    await a.next('handoff');
    a.close();
    const b = await TestSocket.open(server.wsUrl());
    const other = await b.hello();
    await b.ask('o1', 'Do you ship internationally?');
    b.close();

    const exported = await admin(`/v1/admin/visitors/${session}/export`);
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as { visitor: string; messages: { role: string; text: string }[]; tickets: unknown[]; feedback: { comment: string }[] };
    expect(data.visitor).toBe(session);
    expect(data.messages.filter((m) => m.role === 'user').map((m) => m.text)).toEqual(['Where is my order JP-10388?', `My email is ${EMAIL}`, 'I want to talk to a real person please']);
    expect(data.tickets).toHaveLength(1);
    expect(data.feedback).toEqual([expect.objectContaining({ comment: 'quick, thanks' })]);
    // Before: the visitor is in the database and in Redis (its event log holds the answers).
    expect(Object.keys(await rowsMentioning(session))).toEqual(expect.arrayContaining(['conversations', 'messages', 'tickets', 'feedback']));
    expect((await redisKeysMentioning(session)).length).toBeGreaterThan(0);

    expect((await admin(`/v1/admin/visitors/${session}`, 'DELETE')).status).toBe(204);
    expect(await rowsMentioning(session)).toEqual({});
    // The shop's own order record keeps its customer's email: that is the site's data, loaded by it.
    expect(await rowsMentioning(EMAIL)).toEqual({ orders: 1 });
    expect(await rowsMentioning('quick, thanks')).toEqual({});
    expect(await redisKeysMentioning(session)).toEqual([]);
    expect(await redisKeysMentioning(EMAIL)).toEqual([]);
    const audit = (await postgres.pg.query<{ action: string; detail: string }>(`select action, detail::text as detail from audit_log where action = 'visitor.erased'`)).rows;
    expect(audit).toHaveLength(1);
    // The digest, and the address the admin called from: nothing of the visitor.
    expect(audit[0].detail).toMatch(/^\{"address": "[^"]+", "conversation": "[0-9a-f]{16}"\}$/);

    expect((await admin(`/v1/admin/visitors/${session}/export`)).status).toBe(404);
    expect((await admin(`/v1/admin/visitors/${session}`, 'DELETE')).status).toBe(404);
    // The other visitor keeps everything.
    expect(Object.keys(await rowsMentioning(other.session))).toEqual(expect.arrayContaining(['conversations', 'messages']));
    expect((await redisKeysMentioning(other.session)).length).toBeGreaterThan(0);
  }, 60_000);

  it('refuses export and erasure without the admin token', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/v1/admin/visitors/s_x/export`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${server.port}/v1/admin/visitors/s_x`, { method: 'DELETE' })).status).toBe(401);
  });
});
