/**
 * RedisSessionStore (node-redis) against a real redis-server on loopback: the shared contract
 * with two stores as two processes would hold them, what it writes in Redis, and an outage:
 * the server stopped mid-test and a new one started on the same port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionChannel } from '../../edge/core/ports';
import { RedisSessionStore, type RedisSessionStoreOptions } from '../../edge/stores/redis/session-store';
import { skipWithout } from '../servers/availability';
import { ensureRedisServer, startRedis, type RunningRedis } from '../../scripts/local/redis';
import { RespConnection } from '../../scripts/local/resp';
import { eventually, sessionStoreContract, twoHandles } from './session-store-contract';

const skip = skipWithout('redis-server', await ensureRedisServer().then(() => null, (e: Error) => e.message));

let server: RunningRedis;
let n = 0;

async function open(url: string, opts: Partial<RedisSessionStoreOptions> & { prefix: string }) {
  const store = new RedisSessionStore({ url, ...opts });
  await store.connect();
  return store;
}

async function pingUntilUp(store: RedisSessionStore): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return await store.ping();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

beforeAll(async () => {
  if (!skip) server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

sessionStoreContract(
  'Redis (node-redis → redis-server)',
  async (opts) => {
    const prefix = `c${++n}:`;
    return twoHandles((clock) => open(server.url, { clock, prefix, ...opts }));
  },
  { skip },
);

describe.skipIf(skip)('RedisSessionStore in Redis (redis-server on loopback)', () => {
  it('keeps a session as one bounded list of the exact JSON it publishes, expiring with the session', async () => {
    const prefix = `l${++n}:`;
    const store = await open(server.url, { prefix, maxEventsPerSession: 2, sessionTtlSeconds: 600 });
    const direct = await RespConnection.open(server.port);
    const listener = await RespConnection.open(server.port);
    try {
      const heard: unknown[] = [];
      listener.onPush = (v) => heard.push(v);
      await listener.send([['SUBSCRIBE', `${prefix}ch:${sessionChannel('s')}`]]);
      for (const e of [{ a: [] }, { b: 1.5 }, { c: 'é' }]) await store.appendEvent('s', e, 0);
      const entries = ['{"seq":2,"event":{"b":1.5}}', '{"seq":3,"event":{"c":"é"}}'];
      expect((await direct.send([['LRANGE', `${prefix}ev:s`, 0, -1]]))[0]).toEqual(entries);
      const [ttl] = await direct.send([['TTL', `${prefix}ev:s`]]);
      expect(ttl).toBeGreaterThan(590);
      await eventually(() => heard.length === 3, 'three published events');
      expect(heard.map((m) => (m as string[])[2])).toEqual(['{"seq":1,"event":{"a":[]}}', ...entries]);
      expect((await direct.send([['PTTL', `${prefix}lease:k`]]))[0]).toBe(-2);
      await store.lease('k', 'me', 5000);
      expect((await direct.send([['GET', `${prefix}lease:k`]]))[0]).toBe('me');
    } finally {
      direct.close();
      listener.close();
      await store.close();
    }
  });

  it('loads its scripts again after SCRIPT FLUSH', async () => {
    const store = await open(server.url, { prefix: `f${++n}:` });
    const direct = await RespConnection.open(server.port);
    try {
      expect(await store.appendEvent('s', 1, 0)).toBe(1);
      await direct.send([['SCRIPT', 'FLUSH']]);
      expect(await store.appendEvent('s', 2, 0)).toBe(2);
      expect(await store.lease('k', 'o', 1000)).toBe(true);
    } finally {
      direct.close();
      await store.close();
    }
  });

  it('subscribes a channel in Redis once, and unsubscribes when the last local listener leaves', async () => {
    const prefix = `u${++n}:`;
    const store = await open(server.url, { prefix });
    const direct = await RespConnection.open(server.port);
    const subscribers = async () => ((await direct.send([['PUBSUB', 'NUMSUB', `${prefix}ch:room`]]))[0] as [string, number])[1];
    try {
      const [off1, off2] = await Promise.all([store.subscribe('room', () => {}), store.subscribe('room', () => {})]);
      expect(await subscribers()).toBe(1);
      off1();
      expect(await subscribers()).toBe(1);
      off2();
      for (let i = 0; i < 100 && (await subscribers()) !== 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await subscribers()).toBe(0);
    } finally {
      direct.close();
      await store.close();
    }
  });
});

describe.skipIf(skip)('RedisSessionStore through a Redis outage (redis-server stopped, then started on the same port)', () => {
  let outage: RunningRedis;
  afterAll(async () => {
    await outage?.stop();
  });

  it('rejects at once while the server is down, never crashes, and recovers with its subscriptions', async () => {
    outage = await startRedis();
    const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
    const infos: string[] = [];
    const log = { warn: (msg: string, fields?: Record<string, unknown>) => warnings.push({ msg, fields }), info: (msg: string) => infos.push(msg) };
    const prefix = `o${++n}:`;
    const [a, b] = await Promise.all([open(outage.url, { prefix, log, maxReconnectDelayMs: 200 }), open(outage.url, { prefix })]);
    try {
      const got: unknown[] = [];
      await a.subscribe(sessionChannel('s'), (m) => got.push(m));
      await b.appendEvent('s', 'before', 0);
      await eventually(() => got.length === 1, 'the first event');

      await outage.stop();
      // Let several reconnection attempts fail: still one warning for the whole outage.
      await new Promise((r) => setTimeout(r, 1200));
      const started = Date.now();
      const calls = [
        a.appendEvent('s', 'during', 0),
        a.lastSeq('s'),
        a.eventsAfter('s', 0),
        a.lease('k', 'p', 1000),
        a.cacheGet('c'),
        a.rateLimit('r', 1, 60),
        a.publish('x', 1),
        a.ping(),
        a.subscribe('other', () => {}),
      ];
      const results = await Promise.allSettled(calls);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(results.map((r) => r.status)).toEqual(calls.map(() => 'rejected'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].msg).toMatch(/redis unreachable/);

      outage = await outage.restart();
      await eventually(() => infos.includes('redis reachable again'), 'the reconnection', 10_000);
      await a.ping();
      // b waits up to its default 2 s between attempts: it comes back by itself too.
      await pingUntilUp(b);
      expect(warnings).toHaveLength(1);
      // The new server is empty (no persistence): numbering starts again above the floor.
      expect(await b.appendEvent('s', 'after', 1)).toBe(2);
      await eventually(() => got.length === 2, 'an event after the outage');
      expect(got).toEqual([
        { seq: 1, event: 'before' },
        { seq: 2, event: 'after' },
      ]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a server that stops answering: commands and subscriptions reject after the timeout, and work once it answers again', async () => {
    const hung = await startRedis();
    const store = await open(hung.url, { prefix: 'h:', commandTimeoutMs: 300 });
    try {
      expect(await store.appendEvent('s', 'before', 0)).toBe(1);
      hung.freeze();
      const started = Date.now();
      const results = await Promise.allSettled([store.appendEvent('s', 'lost?', 0), store.lastSeq('s'), store.subscribe('room', () => {})]);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/did not answer within 300 ms/);
      hung.thaw();
      // The late replies to the timed-out commands must not be taken for the answers to new ones.
      await pingUntilUp(store);
      const seq = await store.appendEvent('s', 'after', 0);
      expect(await store.lastSeq('s')).toBe(seq);
      expect((await store.eventsAfter('s', seq - 1))![0]).toEqual({ seq, event: 'after' });
      expect(await store.cacheGet('nothing')).toBeNull();
    } finally {
      hung.thaw();
      await store.close();
      await hung.stop();
    }
  });

  it('closes without hanging while the server is down', async () => {
    const down = await startRedis();
    const store = await open(down.url, { prefix: 'x:' });
    await down.stop();
    const started = Date.now();
    await store.close();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
