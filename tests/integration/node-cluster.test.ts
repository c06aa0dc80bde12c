/**
 * Two Node server processes behind an imaginary load balancer, sharing a real redis-server and
 * Debian's PostgreSQL 15 on loopback. PostgreSQL 15 has no pgvector, so the vectors go to a
 * local server speaking Qdrant's REST protocol; the LLM is a local server speaking OpenAI's
 * (it can stream slowly, so an answer is still in flight when a process is killed or stopped).
 */
import bcrypt from 'bcryptjs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@support-chat/protocol';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-server';
import { groundedModel } from '../fakes/openai-model';
import { startQdrantFake, type QdrantFake } from '../fakes/qdrant-server';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process';
import { TestSocket } from '../helpers/ws-client';
import { skipWithoutRedisAndPostgres15 } from '../servers/availability';
import { startPostgres15, type RunningPostgres } from '../servers/postgres15';
import { startRedis, type RunningRedis } from '../../scripts/local/redis';
import { startUpstashBridge, type UpstashBridge } from '../../scripts/local/upstash-bridge';
import { NO_LIMITS } from '../helpers/limits';

const skip = await skipWithoutRedisAndPostgres15();

let redis: RunningRedis;
let postgres: RunningPostgres;
let qdrant: QdrantFake;
let openai: OpenAiFake;
let db: pg.Pool;
let env: Record<string, string>;
const procs: NodeProcess[] = [];
/** Pause before each streamed word of the LLM's answers. */
let paceMs = 0;

const start = async () => {
  const p = await startNodeProcess({ env });
  procs.push(p);
  return p;
};
const ws = (p: NodeProcess) => TestSocket.open(`ws://127.0.0.1:${p.port}/v1/ws?site=demo`);
const events = (s: TestSocket) => s.frames.filter((f): f is Extract<ServerFrame, { seq: number }> => 'seq' in f && f.type !== 'ready');
const lastSeq = (s: TestSocket) => Math.max(0, ...events(s).map((f) => f.seq));
const starts = (s: TestSocket, replyTo: string) =>
  s.frames.filter((f): f is Extract<ServerFrame, { type: 'answer.start' }> => f.type === 'answer.start' && f.replyTo === replyTo);
const textOf = (s: TestSocket, id: string) =>
  s.frames
    .filter((f) => f.type === 'answer.delta' && f.id === id)
    .map((f) => (f as { text: string }).text)
    .join('');
const answersStored = async (session: string, replyTo: string) =>
  (await db.query(`SELECT text FROM messages WHERE conversation_id = $1 AND role = 'assistant' AND reply_to = $2`, [session, replyTo])).rows as { text: string }[];
/** The answer is written just after its answer.end is sent: give the write a moment, then count. */
const storedOnce = async (session: string, replyTo: string) => {
  await until(async () => (await answersStored(session, replyTo)).length > 0, `the answer to ${replyTo} to be stored`);
  await new Promise((r) => setTimeout(r, 300)); // a second one, if any, would be written by now
  return answersStored(session, replyTo);
};
/** Seqs rise by one, with no number twice. */
const contiguous = (seqs: number[]) => seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1);
const readyz = async (p: NodeProcess) => {
  const r = await fetch(`${p.url}/readyz`);
  return { status: r.status, body: (await r.json()) as { ok: boolean; checks: Record<string, string> } };
};
async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (skip) return;
  [redis, postgres, qdrant, openai] = await Promise.all([startRedis(), startPostgres15(), startQdrantFake(), startOpenAiFake()]);
  openai.onChat((chat) => {
    const reply = groundedModel(chat);
    return reply.type === 'text' ? { ...reply, pieceDelayMs: paceMs } : reply;
  });
  db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  db.on('error', () => {}); // its idle connections die in the PostgreSQL outage test
  env = {
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    POSTGRES_URL: postgres.url,
    QDRANT_URL: qdrant.url,
    OPENAI_BASE_URL: openai.url,
    TURN_LEASE_MS: '1500',
    SHUTDOWN_GRACE_MS: '15000',
    ...NO_LIMITS,
  };
  // Both at once: the migrations and the demo data must each be applied once.
  await Promise.all([start(), start()]);
}, 120_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await db?.end();
  await Promise.all([openai?.close(), qdrant?.close(), postgres?.stop(), redis?.stop()]);
});

describe.skipIf(skip)('two Node processes on Upstash (REDIS_URL=https://…: the local bridge speaking its REST protocol to the same redis-server)', () => {
  let bridge: UpstashBridge;
  const upstash: NodeProcess[] = [];
  beforeAll(async () => {
    bridge = await startUpstashBridge(redis.port, 'cluster-token');
    await db.query('CREATE DATABASE upstash');
    const url = new URL(postgres.url);
    url.pathname = '/upstash';
    const upstashEnv = { ...env, REDIS_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token, POSTGRES_URL: url.toString() };
    upstash.push(...(await Promise.all([startNodeProcess({ env: upstashEnv }), startNodeProcess({ env: upstashEnv })])));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(upstash.map((p) => p.stop()));
    await bridge?.stop();
  });

  it('gives one socket on each process every event, once and in order, and answers a message sent to both once', async () => {
    const [u1, u2] = upstash;
    const a = await ws(u1);
    const ready = await a.hello();
    const b = await ws(u2);
    await b.hello({ session: ready.session, after: ready.seq });
    const frame = { type: 'message', id: 'up1', text: 'How long does standard shipping take?' };
    a.send(frame);
    b.send(frame);
    await a.answerTo('up1');
    await b.answerTo('up1');
    await new Promise((r) => setTimeout(r, 300)); // a second answer, if any, would have started
    expect(starts(a, 'up1')).toHaveLength(1);
    const [ea, eb] = [events(a).map((f) => f.seq), events(b).map((f) => f.seq)];
    expect(ea).toEqual(eb);
    expect(contiguous(ea)).toBe(true);
    a.close();
    b.close();
  });
});

describe.skipIf(skip)('two Node processes on one Redis and one PostgreSQL', () => {
  const live = () => procs.filter((p) => p.alive());

  it('started together: migrated once, the demo data loaded once, both ready', async () => {
    const [p1, p2] = live();
    expect((await readyz(p1)).body).toMatchObject({ ok: true, checks: { db: 'ok', sessions: 'ok', vectors: 'ok' } });
    expect((await readyz(p2)).status).toBe(200);
    const { rows } = await db.query(`SELECT count(*)::int AS n, count(DISTINCT hash)::int AS d FROM drizzle.__drizzle_migrations`);
    expect(rows[0].n).toBe(rows[0].d);
    const docs = await db.query(`SELECT source, count(*)::int AS n FROM documents WHERE site_id = 'demo' GROUP BY source HAVING count(*) > 1`);
    expect(docs.rows).toEqual([]);
  });

  it('gives one socket on each process every event of the conversation, once and in order', async () => {
    const [p1, p2] = live();
    const a = await ws(p1);
    const ready = await a.hello();
    const b = await ws(p2);
    await b.hello({ session: ready.session, after: ready.seq });
    const first = await a.ask('m1', 'How long does standard shipping take?');
    b.send({ type: 'message', id: 'm2', text: 'What does the warranty cover?' });
    const second = await b.answerTo('m2');
    await a.answerTo('m2');
    await b.answerTo('m1');
    expect(first.text.length).toBeGreaterThan(10);
    expect(second.text.length).toBeGreaterThan(10);
    const [ea, eb] = [events(a).map((f) => f.seq), events(b).map((f) => f.seq)];
    expect(ea).toEqual(eb);
    expect(contiguous(ea)).toBe(true);
    a.close();
    b.close();
  });

  it('a person takes over across processes: the visitor on one, the agent on the other; replies, typing and silence cross', async () => {
    const [p1, p2] = live();
    const hash = await bcrypt.hash('cluster agent password', 10);
    await db.query(`INSERT INTO agents (id, site_id, email, name, password_hash) VALUES ('ag_cl', 'demo', 'cleo@juniper.example', 'Cleo', $1) ON CONFLICT DO NOTHING`, [hash]);
    const login = await fetch(`${p2.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'cleo@juniper.example', password: 'cluster agent password' }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const api = (path: string, body?: unknown) =>
      fetch(`${p2.url}/agent/api${path}`, body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const visitor = await ws(p1);
    const ready = await visitor.hello();
    await visitor.ask('h1', 'How long does standard shipping take?');
    visitor.send({ type: 'handoff', reason: 'a person please' });
    const opened = await visitor.next('handoff');
    expect(opened).toMatchObject({ status: 'open' });
    expect(opened.offline).toBeUndefined(); // Cleo signed in: someone is online

    const watch = await TestSocket.open(`ws://127.0.0.1:${p2.port}/agent/ws?ticket=${opened.ticket}`, { cookie });
    await watch.next('watching' as never);
    const from = visitor.frames.length;
    visitor.send({ type: 'typing', active: true });
    expect(await watch.next('typing')).toMatchObject({ who: 'visitor' });
    visitor.send({ type: 'message', id: 'h2', text: 'Are you there?' });
    expect(await watch.next('ack', (f) => f.id === 'h2')).toMatchObject({ text: 'Are you there?' });
    watch.send({ type: 'typing', active: true });
    expect(await visitor.next('typing', (f) => f.who === 'agent', 10_000, from)).toMatchObject({ name: 'Cleo' });
    expect((await api(`/tickets/${opened.ticket}/reply`, { text: 'Cleo here. Standard shipping takes 3 to 5 days.' })).status).toBe(200);
    expect(await visitor.next('agent.message', () => true, 10_000, from)).toMatchObject({ agent: { name: 'Cleo' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(starts(visitor, 'h2')).toEqual([]);
    // The visitor's events stay numbered once, in order, whichever process emitted them.
    expect(contiguous(events(visitor).map((f) => f.seq))).toBe(true);

    expect((await api(`/tickets/${opened.ticket}/close`, {})).status).toBe(200);
    await visitor.next('handoff', (f) => f.status === 'closed', 10_000, from);
    await visitor.ask('h3', 'What does the warranty cover?');
    const again = await ws(p2);
    const reloaded = await again.hello({ session: ready.session });
    expect(reloaded.history.map((e) => e.role)).toEqual(['user', 'assistant', 'ticket', 'user', 'agent', 'user', 'assistant']);
    for (const s of [visitor, watch, again]) s.close();
  });

  it('answers a message once when, after a drop, it is resent to the other process', async () => {
    const [p1, p2] = live();
    paceMs = 40;
    const a = await ws(p1);
    const ready = await a.hello();
    a.send({ type: 'message', id: 'r1', text: 'Can I return a used sleeping bag?' });
    await a.next('ack', (f) => f.id === 'r1');
    a.terminate(); // the network drops before the answer ends
    const b = await ws(p2);
    await b.hello({ session: ready.session, after: lastSeq(a) });
    b.send({ type: 'message', id: 'r1', text: 'Can I return a used sleeping bag?' }); // the widget's outbox resends
    const answer = await b.answerTo('r1');
    await new Promise((r) => setTimeout(r, 500)); // a second answer, if any, would have started by now
    expect(starts(b, 'r1')).toHaveLength(1);
    expect(answer.text.length).toBeGreaterThan(10);
    expect(await storedOnce(ready.session, 'r1')).toHaveLength(1);
    expect(contiguous(events(b).map((f) => f.seq))).toBe(true);
    b.close();
    paceMs = 0;
  });

  it('shares the answer cache: a question answered on one process is not asked of the LLM again on the other', async () => {
    const [p1, p2] = live();
    const q = 'Do you ship to Canada?';
    const a = await ws(p1);
    await a.hello();
    // Counted by the question. It failed once as "expected 5 to be 4": answer.end went out before
    // the answer was cached, so this second asker could miss the cache. Fixed in runTurn (cached,
    // then announced); chat-takeover.test.ts holds that race open with a slow cache write.
    const asked = () => openai.chats().filter((c) => JSON.stringify(c.messages).includes(q)).length;
    const first = await a.ask('c1', q);
    const once = asked();
    expect(once).toBeGreaterThanOrEqual(1);
    const b = await ws(p2);
    await b.hello(); // another visitor, on the other process
    const second = await b.ask('c2', q);
    expect(asked()).toBe(once);
    expect(second.text).toBe(first.text);
    a.close();
    b.close();
  });

  it('a process killed mid-answer: the visitor resumes on the other one, which answers; nothing lost or doubled', async () => {
    const [p1, p2] = live();
    paceMs = 250;
    const a = await ws(p1);
    const ready = await a.hello();
    a.send({ type: 'message', id: 'k1', text: 'How do I wash a down jacket?' });
    await a.next('answer.delta', () => true, 15_000);
    const partial = starts(a, 'k1')[0];
    p1.kill(); // SIGKILL: no drain, no goodbye
    await until(async () => a.closed, 'the socket to drop');
    paceMs = 0;
    const seen = lastSeq(a);
    const b = await ws(p2);
    const resumed = await b.hello({ session: ready.session, after: seen });
    expect(resumed.resumed).toBe(true);
    // The dead process's lease lapses (TURN_LEASE_MS), then the other one takes the message over.
    const end = await b.next('answer.end', (f) => f.id !== partial.id, 20_000);
    expect(b.frames.some((f) => f.type === 'answer.end' && f.id === partial.id)).toBe(true);
    const again = starts(b, 'k1').find((s) => s.id === end.id)!;
    expect(again).toBeDefined();
    expect(textOf(b, again.id).length).toBeGreaterThan(10);
    const seqs = events(b).map((f) => f.seq);
    expect(seqs[0]).toBe(seen + 1);
    expect(contiguous(seqs)).toBe(true);
    expect(await storedOnce(ready.session, 'k1')).toHaveLength(1);
    b.close();
    await start(); // back to two
  }, 60_000);

  it('SIGTERM during an answer: the socket is told to reconnect (1012), the answer finishes, the process exits 0', async () => {
    const [p1, p2] = live();
    paceMs = 120;
    const a = await ws(p1);
    const ready = await a.hello();
    a.send({ type: 'message', id: 't1', text: 'What is your price match policy?' });
    await a.next('answer.delta', () => true, 15_000);
    const inFlight = starts(a, 't1')[0];
    p1.signal('SIGTERM');
    await until(async () => a.closed, 'the socket to be closed');
    expect(a.closed?.code).toBe(1012);
    expect((await readyz(p1).catch(() => ({ status: 0 }))).status).not.toBe(200);
    const b = await ws(p2);
    await b.hello({ session: ready.session, after: lastSeq(a) });
    // The draining process finishes the answer; its events reach the socket on the other process.
    await b.next('answer.end', (f) => f.id === inFlight.id, 20_000);
    expect((textOf(a, inFlight.id) + textOf(b, inFlight.id)).length).toBeGreaterThan(10);
    expect(starts(b, 't1').filter((s) => s.id !== inFlight.id)).toEqual([]);
    expect(await p1.exited).toMatchObject({ code: 0 });
    expect(contiguous([...events(a), ...events(b)].map((f) => f.seq))).toBe(true);
    const stored = await storedOnce(ready.session, 't1');
    expect(stored).toHaveLength(1);
    expect(stored[0].text).toBe(textOf(a, inFlight.id) + textOf(b, inFlight.id));
    b.close();
    paceMs = 0;
    await start();
  }, 60_000);

  it('Redis stops mid-answer: the visitor is told, /readyz says so; Redis back: the answer comes, by itself', async () => {
    const [p1] = live();
    paceMs = 150;
    const a = await ws(p1);
    const ready = await a.hello();
    a.send({ type: 'message', id: 'u1', text: 'How do I pitch the Switchback 2 tent?' });
    await a.next('answer.delta', () => true, 15_000);
    const first = starts(a, 'u1')[0];
    await redis.stop();
    // In flight: the answer cannot go on, and the visitor hears so at once.
    expect((await a.next('error', (f) => f.ref === 'u1', 15_000)).code).toBe('unavailable');
    const down = await until(async () => {
      const r = await readyz(p1);
      return r.status === 503 && r;
    }, '/readyz to fail');
    expect(down.body.checks.sessions).not.toBe('ok');
    expect(down.body.checks.db).toBe('ok');
    // A new message is refused with its id, so the widget keeps it and sends it again.
    const from = a.frames.length;
    a.send({ type: 'message', id: 'u2', text: 'Is the Switchback 2 tent waterproof?' });
    expect((await a.next('error', (f) => f.ref === 'u2', 10_000, from)).code).toBe('unavailable');
    // A visitor arriving now is told, and asked to come back (the widget retries with backoff).
    const late = await ws(p1);
    late.send({ type: 'hello', v: 1 });
    await until(async () => late.closed, 'the new socket to be closed');
    expect(late.closed?.code).toBe(1013);
    expect(late.frames).toEqual([expect.objectContaining({ type: 'error', code: 'unavailable' })]);
    expect(p1.alive()).toBe(true);

    paceMs = 0;
    redis = await redis.restart(); // empty: the outage lost what Redis held
    await until(async () => (await readyz(p1)).status === 200, '/readyz to recover', 30_000);
    // Without a new hello: the interrupted answer is closed and the question answered again.
    await a.next('answer.end', (f) => f.id === first.id, 30_000);
    const again = await a.next('answer.start', (f) => f.replyTo === 'u1' && f.id !== first.id, 30_000);
    await a.next('answer.end', (f) => f.id === again.id, 15_000);
    expect(await storedOnce(ready.session, 'u1')).toHaveLength(1);
    a.send({ type: 'message', id: 'u2', text: 'Is the Switchback 2 tent waterproof?' });
    expect((await a.answerTo('u2')).text.length).toBeGreaterThan(10);
    expect(contiguous(events(a).map((f) => f.seq))).toBe(true);
    a.close();
  }, 120_000);

  it('PostgreSQL stops: /readyz says so and messages are refused with their id; back: service resumes by itself', async () => {
    const [, p2] = live();
    const a = await ws(p2);
    const ready = await a.hello();
    await postgres.down();
    const down = await until(async () => {
      const r = await readyz(p2);
      return r.status === 503 && r;
    }, '/readyz to fail');
    expect(down.body.checks.db).not.toBe('ok');
    expect(down.body.checks.sessions).toBe('ok');
    a.send({ type: 'message', id: 'g1', text: 'Do you offer gift cards?' });
    expect((await a.next('error', (f) => f.ref === 'g1', 15_000)).code).toBe('unavailable');
    expect(p2.alive()).toBe(true);
    await postgres.up();
    await until(async () => (await readyz(p2)).status === 200, '/readyz to recover', 30_000);
    a.send({ type: 'message', id: 'g1', text: 'Do you offer gift cards?' });
    expect((await a.answerTo('g1')).text.length).toBeGreaterThan(10);
    expect(await storedOnce(ready.session, 'g1')).toHaveLength(1);
    a.close();
  }, 90_000);
});
