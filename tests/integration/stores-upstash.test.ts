/**
 * UpstashSessionStore through @upstash/redis → scripts/local/upstash-bridge (the Upstash REST
 * protocol, streaming subscribe included) → a real redis-server: the shared contract with two
 * clients as two processes would hold them, in both deserialization modes; that it shares its
 * layout with the node-redis store; and the bridge's protocol itself, spoken with plain fetch.
 */
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionChannel } from '../../edge/core/ports';
import { RedisSessionStore } from '../../edge/stores/redis/session-store';
import { UpstashSessionStore, type UpstashSessionStoreOptions } from '../../edge/stores/upstash/session-store';
import { skipWithout } from '../servers/availability';
import { ensureRedisServer, startRedis, type RunningRedis } from '../../scripts/local/redis';
import { RespConnection } from '../../scripts/local/resp';
import { startUpstashBridge, type UpstashBridge } from '../../scripts/local/upstash-bridge';
import { eventually, sessionStoreContract, twoHandles } from './session-store-contract';

const problem = await ensureRedisServer().then(
  () => null,
  (e: Error) => e.message,
);
const skip = skipWithout('redis-server', problem);

let redisServer: RunningRedis;
let bridge: UpstashBridge;
let direct: RespConnection;
let n = 0;

type Options = Partial<UpstashSessionStoreOptions> & { raw?: boolean };
const client = (raw = false) => new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false, automaticDeserialization: !raw });
function setup(opts: Options = {}) {
  const clock = { t: 1_000_000, now() { return this.t; } };
  const prefix = opts.prefix ?? `t${++n}:`;
  const store = new UpstashSessionStore({ redis: client(opts.raw), clock, prefix, ...opts });
  return { clock, store, prefix };
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

for (const raw of [false, true]) {
  sessionStoreContract(
    `Upstash (@upstash/redis → Upstash REST bridge → redis-server${raw ? ', automaticDeserialization: false' : ''})`,
    async (opts) => {
      const prefix = `c${++n}:`;
      return twoHandles((clock) => new UpstashSessionStore({ redis: client(raw), clock, prefix, ...opts }));
    },
    { skip },
  );
}

describe.skipIf(skip)('UpstashSessionStore → Upstash REST bridge → redis-server', () => {
  it('appends, reads and leases in one round trip each once the scripts are loaded', async () => {
    const { store, prefix } = setup();
    await store.appendEvent('s', 'warm', 0);
    await store.eventsAfter('s', 0);
    await store.lease('k', 'me', 1000);
    const trips = await requestsDuring(async () => {
      expect(await store.appendEvent('s', { type: 'x' }, 0)).toBe(2);
      expect(await store.eventsAfter('s', 1)).toEqual([{ seq: 2, event: { type: 'x' } }]);
      expect(await store.lease('k', 'me', 1000)).toBe(true);
    });
    // One request a call (the client may send it as a one-command pipeline).
    expect(trips.map((t) => t.commands)).toEqual([1, 1, 1]);
    expect(await call('LLEN', `${prefix}ev:s`)).toBe(2);
    expect(await call('TTL', `${prefix}ev:s`)).toBeGreaterThan(86_000);
  });

  it('rate limits in one round trip', async () => {
    const { store, clock } = setup();
    clock.t = 60_000 * 1000;
    await store.rateLimit('warm', 3, 60); // the script is loaded once
    const trips = await requestsDuring(async () => expect(await store.rateLimit('ip', 3, 60)).toBe(0));
    expect(trips).toEqual([{ path: '/pipeline', commands: 1 }]);
    // A message's four limits (conversation, address, site per second and per minute) too.
    const four = [60, 60, 1, 60].map((windowSeconds, i) => ({ key: `k${i}`, limit: 3, windowSeconds }));
    const more = await requestsDuring(async () => expect(await store.rateLimits(four)).toBe(0));
    expect(more).toEqual([{ path: '/pipeline', commands: 1 }]);
  });

  it('shares its layout with the node-redis store: either reads, numbers and hears what the other wrote', async () => {
    const { store: upstash, prefix } = setup();
    const node = new RedisSessionStore({ url: redisServer.url, prefix });
    await node.connect();
    try {
      const heard: unknown[] = [];
      await node.subscribe(sessionChannel('s'), (m) => heard.push(m));
      await upstash.appendEvent('s', { from: 'upstash', list: [] }, 0);
      expect(await node.appendEvent('s', { from: 'node' }, 0)).toBe(2);
      expect(await upstash.eventsAfter('s', 0)).toEqual(await node.eventsAfter('s', 0));
      expect(await upstash.lastSeq('s')).toBe(2);
      expect(await upstash.lease('k', 'node', 5000)).toBe(true);
      expect(await node.lease('k', 'other', 5000)).toBe(false);
      await node.cacheSet('c', { v: 1 }, 30);
      expect(await upstash.cacheGet('c')).toEqual({ v: 1 });
      await eventually(() => heard.length === 2, 'both events');
      expect(heard).toEqual([
        { seq: 1, event: { from: 'upstash', list: [] } },
        { seq: 2, event: { from: 'node' } },
      ]);
    } finally {
      await node.close();
    }
  });

  it('rejects a subscription the server refuses', async () => {
    const store = new UpstashSessionStore({ redis: new Redis({ url: bridge.url, token: 'wrong', enableTelemetry: false }), prefix: 'w:' });
    await expect(store.subscribe('room', () => {})).rejects.toThrow(/Unauthorized/);
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

  it('streams a subscription as server-sent events: confirmation first, then each message', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${bridge.url}/subscribe/p:chan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bridge.token}`, accept: 'text/event-stream' },
      body: '[]',
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (part: string) => {
      while (!text.includes(part)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil('subscribe');
    expect(await post('/', ['PUBLISH', 'p:chan', '{"a":[1,2]}'])).toEqual({ status: 200, body: { result: 1 } });
    await readUntil('message');
    expect(text).toBe('data: subscribe,p:chan,1\n\ndata: message,p:chan,{"a":[1,2]}\n\n');
    ctrl.abort();
    await reader.cancel().catch(() => {});
    // The client going away ends the Redis subscription behind the stream.
    const numsub = async () => ((await post('/', ['PUBSUB', 'NUMSUB', 'p:chan'])).body as { result: [string, number] }).result[1];
    for (let i = 0; i < 100 && (await numsub()) !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await post('/', ['PUBSUB', 'NUMSUB', 'p:chan'])).body).toEqual({ result: ['p:chan', 0] });
  });
});
