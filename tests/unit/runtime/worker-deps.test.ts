/**
 * The Worker's deps builder (isolateParts) takes its session store from the configuration as
 * Node does (edge/config/session-store.ts): Upstash from an https:// REDIS_URL as well as from
 * UPSTASH_REDIS_REST_URL. Upstash's REST protocol is answered here by a stub fetch, so the test
 * also sees where the commands go and with which token.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../edge/config/load';
import { isolateParts, type WorkerEnv } from '../../../edge/runtime/workers/deps';
import { MemorySessionStore } from '../../../edge/stores/memory/session-store';
import { UpstashSessionStore } from '../../../edge/stores/upstash/session-store';

const env = (vars: Record<string, string>) =>
  ({ POSTGRES_URL: 'postgres://u:p@db.example/app', LOG_LEVEL: 'info', CONVERSATIONS: {}, ...vars }) as unknown as WorkerEnv;

/** The log lines isolateParts writes while it builds. */
function build(vars: Record<string, string>) {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  try {
    return { parts: isolateParts(env(vars)), lines };
  } finally {
    log.mockRestore();
  }
}

/**
 * Upstash's REST API as the client calls it: `POST /` with one command array answers `{result}`,
 * `POST /pipeline` with an array of them an array of those (strings in base64).
 */
function stubUpstash() {
  const calls: { host: string; auth: string | null; command: unknown }[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    const body = (await req.json()) as unknown[];
    const commands = url.pathname === '/pipeline' ? (body as unknown[][]) : [body];
    for (const command of commands) calls.push({ host: url.host, auth: req.headers.get('authorization'), command });
    const results = commands.map(() => ({ result: btoa('PONG') }));
    return Response.json(url.pathname === '/pipeline' ? results : results[0]);
  });
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe("the Worker's session store, chosen from the configuration", () => {
  it('is Upstash from REDIS_URL=https://…, and its commands go there with the token', async () => {
    const calls = stubUpstash();
    const { parts, lines } = build({ REDIS_URL: 'https://eu1-x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't0k' });
    expect(parts.base.sessions).toBeInstanceOf(UpstashSessionStore);
    expect(lines.some((l) => l.includes('sessions, answer cache and rate limits: Upstash at eu1-x.upstash.io'))).toBe(true);
    await (parts.base.sessions as UpstashSessionStore).ping();
    expect(calls).toEqual([{ host: 'eu1-x.upstash.io', auth: 'Bearer t0k', command: ['ping'] }]);
  });

  it('is Upstash from UPSTASH_REDIS_REST_URL, as before', async () => {
    const calls = stubUpstash();
    const { parts } = build({ UPSTASH_REDIS_REST_URL: 'https://us1-y.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't1k' });
    await (parts.base.sessions as UpstashSessionStore).ping();
    expect(calls).toEqual([{ host: 'us1-y.upstash.io', auth: 'Bearer t1k', command: ['ping'] }]);
  });

  it('is memory, one per isolate, with neither set', () => {
    const { parts, lines } = build({});
    expect(parts.base.sessions).toBeInstanceOf(MemorySessionStore);
    expect(lines.some((l) => l.includes('sessions, answer cache and rate limits: in memory, per isolate'))).toBe(true);
  });

  it('refuses a redis:// REDIS_URL it cannot reach, naming the variable and not the password', () => {
    let err: unknown;
    try {
      build({ REDIS_URL: 'redis://:s3cret@cache.internal:6379' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.join('\n')).toMatch(/REDIS_URL is a redis:\/\/ Redis server, which a Worker cannot reach/);
    expect((err as ConfigError).message).not.toContain('s3cret');
  });

  it("takes Upstash's REST variables beside a redis:// REDIS_URL (that one is for the Node servers)", () => {
    const { parts, lines } = build({ REDIS_URL: 'rediss://cache.internal', UPSTASH_REDIS_REST_URL: 'https://us1-y.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't' });
    expect(parts.base.sessions).toBeInstanceOf(UpstashSessionStore);
    expect(lines.some((l) => l.includes('Upstash at us1-y.upstash.io'))).toBe(true);
  });
});
