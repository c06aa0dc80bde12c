/**
 * UpstashSessionStore through @upstash/redis → tests/servers/upstash-bridge (the Upstash REST
 * protocol) → a real redis-server; and the bridge's protocol itself, spoken with plain fetch.
 */
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstashSessionStore, type UpstashSessionStoreOptions } from '../../edge/stores/upstash/session-store';
import { skipWithout } from '../servers/availability';
import { ensureRedisServer, startRedis, type RunningRedis } from '../servers/redis';
import { RespConnection } from '../servers/resp';
import { startUpstashBridge, type UpstashBridge } from '../servers/upstash-bridge';

const problem = await ensureRedisServer().then(
  () => null,
  (e: Error) => e.message,
);
const skip = skipWithout('redis-server', problem);

let redisServer: RunningRedis;
let bridge: UpstashBridge;
let direct: RespConnection;
let n = 0;

function setup(opts: Partial<UpstashSessionStoreOptions> & { raw?: boolean } = {}) {
  const clock = { t: 1_000_000, now() { return this.t; } };
  const redis = new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false, automaticDeserialization: !opts.raw });
  const prefix = `t${++n}:`;
  const store = new UpstashSessionStore({ redis, clock, prefix, ...opts });
  return { clock, store, prefix, advance: (s: number) => (clock.t += s * 1000) };
}
const call = async (...cmd: (string | number)[]) => (await direct.send([cmd]))[0];
const requestsDuring = async (fn: () => Promise<unknown>) => {
  const before = bridge.requests.length;
  await fn();
  return bridge.requests.slice(before);
};

// One redis-server and bridge for the whole file.
beforeAll(async () => {
  if (skip) return;
  redisServer = await startRedis();
  [bridge, direct] = await Promise.all([startUpstashBridge(redisServer.port, 'secret-token'), RespConnection.open(redisServer.port)]);
});
afterAll(async () => {
  direct?.close();
  await bridge?.stop();
  await redisServer?.stop();
});

describe.skipIf(skip)('UpstashSessionStore → Upstash REST bridge → redis-server', () => {
  it('returns events after a seq, oldest first; null for an unknown session; one round trip each', async () => {
    const { store, prefix } = setup();
    expect(await store.eventsAfter('s', 0)).toBeNull();
    const writes = await requestsDuring(async () => {
      for (let seq = 1; seq <= 3; seq++) await store.appendEvent('s', seq, { type: 'x', seq, text: '123' });
    });
    expect(writes.map((r) => r.path)).toEqual(['/multi-exec', '/multi-exec', '/multi-exec']);
    expect(await store.eventsAfter('s', 1)).toEqual([{ type: 'x', seq: 2, text: '123' }, { type: 'x', seq: 3, text: '123' }]);
    expect(await store.eventsAfter('s', 3)).toEqual([]);
    const ttl = (await call('TTL', `${prefix}ev:s`)) as number;
    expect(ttl).toBeGreaterThan(86_000);
  });

  it('keeps the last N events (N + 1 entries in Redis) and refuses a resume that would skip dropped ones', async () => {
    for (const raw of [false, true]) {
      const { store, prefix } = setup({ maxEventsPerSession: 3, raw });
      for (let seq = 1; seq <= 5; seq++) await store.appendEvent('s', seq, { seq });
      expect(await store.eventsAfter('s', 2)).toEqual([{ seq: 3 }, { seq: 4 }, { seq: 5 }]);
      expect(await store.eventsAfter('s', 4)).toEqual([{ seq: 5 }]);
      expect(await store.eventsAfter('s', 1)).toBeNull();
      expect(await call('LLEN', `${prefix}ev:s`)).toBe(4);
    }
  });

  it('claims a key once per TTL', async () => {
    const { store, prefix } = setup();
    expect(await store.claim('msg:1', 10)).toBe(true);
    expect(await store.claim('msg:1', 10)).toBe(false);
    expect(await store.claim('msg:2', 10)).toBe(true);
    const pttl = (await call('PTTL', `${prefix}claim:msg:1`)) as number;
    expect(pttl).toBeGreaterThan(9_000);
    expect(pttl).toBeLessThanOrEqual(10_000);
  });

  it('caches any JSON value until the TTL, whatever the client deserialization', async () => {
    for (const raw of [false, true]) {
      const { store } = setup({ raw });
      const value = { answer: 'x', list: [1], n: null };
      await store.cacheSet('k1', value, 30);
      value.list.push(2);
      expect(await store.cacheGet('k1')).toEqual({ answer: 'x', list: [1], n: null });
      await store.cacheSet('k2', '123', 30);
      expect(await store.cacheGet('k2')).toBe('123');
      await store.cacheSet('k3', 42, 30);
      expect(await store.cacheGet<number>('k3')).toBe(42);
      expect(await store.cacheGet('missing')).toBeNull();
    }
  });

  it('expires claims and cache entries in Redis time', async () => {
    const { store } = setup();
    await Promise.all([store.claim('short', 1), store.cacheSet('short', 'v', 1)]);
    expect(await store.cacheGet('short')).toBe('v');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await store.cacheGet('short')).toBeNull();
    expect(await store.claim('short', 1)).toBe(true);
  });

  it('allows `limit` hits per fixed window and says how long to wait, in one round trip', async () => {
    const { store, clock, advance } = setup();
    clock.t = 60_000 * 1000;
    for (let i = 0; i < 3; i++) expect(await store.rateLimit('ip', 3, 60)).toBe(0);
    advance(15);
    const trips = await requestsDuring(async () => expect(await store.rateLimit('ip', 3, 60)).toBe(45));
    expect(trips).toEqual([{ path: '/multi-exec', commands: 2 }]);
    expect(await store.rateLimit('other', 3, 60)).toBe(0);
    clock.t += 44_500;
    expect(await store.rateLimit('ip', 3, 60)).toBe(1);
    advance(1);
    expect(await store.rateLimit('ip', 3, 60)).toBe(0);
  });

  it('publishes through Redis and delivers copies to this store\'s subscribers', async () => {
    const { store, prefix } = setup();
    const listener = await RespConnection.open(redisServer.port);
    const heard: unknown[] = [];
    listener.onPush = (v) => heard.push(v);
    await listener.send([['SUBSCRIBE', `${prefix}ch:conv:1`]]);
    const a: unknown[] = [];
    const off = store.subscribe('conv:1', (m) => a.push(m));
    store.subscribe('conv:1', () => {
      throw new Error('bad subscriber');
    });
    const msg = { type: 'agent.message', text: 'hi' };
    await store.publish('conv:1', msg);
    expect(a).toEqual([msg]);
    expect(a[0]).not.toBe(msg);
    off();
    await store.publish('conv:1', 'second');
    expect(a).toHaveLength(1);
    for (let i = 0; i < 50 && heard.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    listener.close();
    expect(heard).toEqual([
      ['message', `${prefix}ch:conv:1`, JSON.stringify(msg)],
      ['message', `${prefix}ch:conv:1`, '"second"'],
    ]);
  });
});

describe.skipIf(skip)('the Upstash REST bridge protocol', () => {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(bridge.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${bridge.token}`, ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('requires the bearer token', async () => {
    expect((await post('/', ['PING'], { authorization: 'Bearer wrong' })).status).toBe(401);
    const res = await fetch(bridge.url, { method: 'POST', body: '["PING"]' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
  });

  it('runs one command: {result}, or {error} with 400', async () => {
    expect(await post('/', ['SET', 'p:k', 'héllo'])).toEqual({ status: 200, body: { result: 'OK' } });
    expect(await post('/', ['GET', 'p:k'])).toEqual({ status: 200, body: { result: 'héllo' } });
    expect(await post('/', ['GET', 'p:none'])).toEqual({ status: 200, body: { result: null } });
    const wrong = await post('/', ['LPUSH', 'p:k', 'x']);
    expect(wrong.status).toBe(400);
    expect((wrong.body as { error: string }).error).toMatch(/^WRONGTYPE/);
  });

  it('base64-encodes every string at any depth, never integers or null', async () => {
    const enc = { 'upstash-encoding': 'base64' };
    expect((await post('/', ['GET', 'p:k'], enc)).body).toEqual({ result: b64('héllo') });
    expect((await post('/', ['INCR', 'p:n'], enc)).body).toEqual({ result: 1 });
    expect((await post('/', ['GET', 'p:none'], enc)).body).toEqual({ result: null });
    await post('/', ['HSET', 'p:h', 'f', 'v', 'g', '2']);
    expect((await post('/', ['HGETALL', 'p:h'])).body).toEqual({ result: ['f', 'v', 'g', '2'] });
    expect((await post('/', ['HGETALL', 'p:h'], enc)).body).toEqual({ result: ['f', 'v', 'g', '2'].map(b64) });
    await post('/', ['XADD', 'p:x', '1-1', 'field', 'value']);
    expect((await post('/', ['XRANGE', 'p:x', '-', '+'], enc)).body).toEqual({ result: [[b64('1-1'), [b64('field'), b64('value')]]] });
  });

  it('pipelines: one result or error per command, in order', async () => {
    const res = await post('/pipeline', [['SET', 'p:a', '1'], ['INCR', 'p:a'], ['GET', 'p:none'], ['LPUSH', 'p:a', 'x']]);
    expect(res.status).toBe(200);
    const out = res.body as { result?: unknown; error?: string }[];
    expect(out.slice(0, 3)).toEqual([{ result: 'OK' }, { result: 2 }, { result: null }]);
    expect(out[3].error).toMatch(/^WRONGTYPE/);
  });

  it('multi-exec runs the commands as one transaction; a command that cannot queue aborts all', async () => {
    expect((await post('/multi-exec', [['SET', 'p:m', '1'], ['INCR', 'p:m']])).body).toEqual([{ result: 'OK' }, { result: 2 }]);
    const aborted = await post('/multi-exec', [['SET', 'p:m', '100'], ['NOSUCHCOMMAND']]);
    expect(aborted.status).toBe(400);
    expect((aborted.body as { error: string }).error).toMatch(/EXECABORT|unknown command/i);
    expect((await post('/', ['GET', 'p:m'])).body).toEqual({ result: '2' });
  });
});
