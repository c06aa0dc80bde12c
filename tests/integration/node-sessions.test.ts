/**
 * openSessionStore: the configuration picks memory, Redis (a real redis-server on loopback) or
 * Upstash (the local Upstash REST bridge in front of it), and a server that does not answer at
 * start fails the start with one line naming the variable, and no secret in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../edge/config/load';
import { sessionChannel, type Logger } from '../../edge/core/ports';
import { openSessionStore, type OpenedSessionStore } from '../../edge/runtime/node/sessions';
import { StartupError } from '../../edge/runtime/node/startup-error';
import { MemorySessionStore } from '../../edge/stores/memory/session-store';
import { RedisSessionStore } from '../../edge/stores/redis/session-store';
import { UpstashSessionStore } from '../../edge/stores/upstash/session-store';
import { runMainOnce } from '../helpers/node-process';
import { skipWithout } from '../servers/availability';
import { freePort } from '../../scripts/local/free-port';
import { ensureRedisServer, startRedis, type RunningRedis } from '../../scripts/local/redis';
import { startUpstashBridge, type UpstashBridge } from '../../scripts/local/upstash-bridge';
import { eventually } from './session-store-contract';

const skip = skipWithout('redis-server', await ensureRedisServer().then(() => null, (e: Error) => e.message));

const log: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const clock = { now: () => Date.now() };
const open = (env: Record<string, string>) => openSessionStore(loadConfig(env), log, clock);

/** Works end to end: numbering, and a subscriber hearing the append. */
async function exercise(opened: OpenedSessionStore): Promise<void> {
  const session = `s${Math.random().toString(36).slice(2)}`;
  const heard: unknown[] = [];
  const off = await opened.store.subscribe(sessionChannel(session), (m) => heard.push(m));
  expect(await opened.store.appendEvent(session, { hello: 'world' }, 0)).toBe(1);
  expect(await opened.store.lastSeq(session)).toBe(1);
  await eventually(() => heard.length === 1, 'the append');
  expect(heard).toEqual([{ seq: 1, event: { hello: 'world' } }]);
  off();
  await opened.store.ping();
}

async function startupError(p: Promise<unknown>): Promise<{ error: StartupError; ms: number }> {
  const started = Date.now();
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StartupError);
  return { error: error as StartupError, ms: Date.now() - started };
}

describe('openSessionStore without a server', () => {
  it('keeps sessions in memory when nothing is set', async () => {
    const opened = await open({});
    expect(opened.describe).toBe('in memory (one process only)');
    expect(opened.store).toBeInstanceOf(MemorySessionStore);
    await exercise(opened);
    await opened.close();
  });
});

describe.skipIf(skip)('openSessionStore (redis-server and the Upstash REST bridge on loopback)', () => {
  let redis: RunningRedis;
  let bridge: UpstashBridge;
  beforeAll(async () => {
    redis = await startRedis();
    bridge = await startUpstashBridge(redis.port, 'bridge-token');
  });
  afterAll(async () => {
    await bridge?.stop();
    await redis?.stop();
  });

  it('REDIS_URL redis:// → the Redis store', async () => {
    const opened = await open({ REDIS_URL: redis.url });
    expect(opened.describe).toBe(`Redis at 127.0.0.1:${redis.port}`);
    expect(opened.store).toBeInstanceOf(RedisSessionStore);
    await exercise(opened);
    await opened.close();
  });

  it('REDIS_URL https:// with UPSTASH_REDIS_REST_TOKEN → the Upstash store (the bridge speaks http)', async () => {
    const opened = await open({ REDIS_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token });
    expect(opened.describe).toBe(`Upstash at ${new URL(bridge.url).host}`);
    expect(opened.store).toBeInstanceOf(UpstashSessionStore);
    await exercise(opened);
    await opened.close();
  });

  it('UPSTASH_REDIS_REST_URL and its token → the Upstash store', async () => {
    const opened = await open({ UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token });
    expect(opened.store).toBeInstanceOf(UpstashSessionStore);
    await exercise(opened);
    await opened.close();
  });

  it("Upstash's request deadline does not cut a subscription's stream short", async () => {
    const opened = await openSessionStore(loadConfig({ REDIS_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token }), log, clock, { commandTimeoutMs: 300 });
    try {
      const heard: unknown[] = [];
      await opened.store.subscribe(sessionChannel('long'), (m) => heard.push(m));
      await new Promise((r) => setTimeout(r, 600));
      await opened.store.appendEvent('long', 'still here', 0);
      await eventually(() => heard.length === 1, 'the append');
      expect(heard).toEqual([{ seq: 1, event: 'still here' }]);
    } finally {
      await opened.close();
    }
  });

  it('a wrong Upstash token stops the start, saying so without showing the token', async () => {
    const { error } = await startupError(open({ REDIS_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: 'not-the-token' }));
    expect(error.variable).toBe('REDIS_URL');
    expect(error.message).toBe(`REDIS_URL: cannot connect to ${new URL(bridge.url).host} (Unauthorized)`);
  });
});

describe('openSessionStore with nothing listening', () => {
  it('REDIS_URL: one line with host and port and the reason, quickly, never the password', async () => {
    const port = await freePort();
    const { error, ms } = await startupError(open({ REDIS_URL: `redis://user:s3cret-pw@127.0.0.1:${port}` }));
    expect(error.variable).toBe('REDIS_URL');
    expect(error.message).toBe(`REDIS_URL: cannot connect to 127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port})`);
    expect(error.message).not.toContain('s3cret');
    expect(ms).toBeLessThan(6000);
  });

  it('an Upstash URL names the variable it came from', async () => {
    const port = await freePort();
    const fromRedisUrl = await startupError(open({ REDIS_URL: `http://127.0.0.1:${port}`, UPSTASH_REDIS_REST_TOKEN: 'tok-secret' }));
    expect(fromRedisUrl.error.message).toMatch(new RegExp(`^REDIS_URL: cannot connect to 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\)$`));
    const fromUpstash = await startupError(open({ UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`, UPSTASH_REDIS_REST_TOKEN: 'tok-secret' }));
    expect(fromUpstash.error.variable).toBe('UPSTASH_REDIS_REST_URL');
    for (const { error, ms } of [fromRedisUrl, fromUpstash]) {
      expect(error.message).not.toContain('tok-secret');
      expect(error.message).not.toContain('\n');
      expect(ms).toBeLessThan(6000);
    }
  });
});

describe('the server process with REDIS_URL unreachable', () => {
  it('prints one line naming REDIS_URL, without the password, and exits 1', async () => {
    const port = await freePort();
    const r = await runMainOnce({ REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.out.split('\n').filter((l) => l.includes('REDIS_URL'))).toEqual([expect.stringMatching(new RegExp(`^REDIS_URL: cannot connect to 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\)$`))]);
    expect(r.out).not.toContain('hunter2');
    expect(r.out).not.toMatch(/^\s+at /m);
  }, 90_000);
});
