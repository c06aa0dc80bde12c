import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../edge/config/load';
import { describeProviders } from '../../../edge/wiring/describe';
import { describeSessionStore, sessionStoreChoice } from '../../../edge/config/session-store';

const choose = (env: Record<string, string>) => sessionStoreChoice(loadConfig(env));

describe('which session store the configuration selects', () => {
  it('memory with nothing set', () => {
    expect(choose({})).toEqual({ kind: 'memory' });
    expect(describeProviders(loadConfig({})).sessions).toBe('in memory (one process only)');
  });

  it('REDIS_URL redis:// or rediss:// is a Redis server, named by host and port only', () => {
    expect(choose({ REDIS_URL: 'redis://:pw@cache.internal:6380/2' })).toMatchObject({ kind: 'redis', variable: 'REDIS_URL', address: 'cache.internal:6380', tls: false });
    const d = describeProviders(loadConfig({ REDIS_URL: 'rediss://user:pw@cache.example' }));
    expect(d.sessions).toBe('Redis at cache.example:6379 (TLS)');
    expect(JSON.stringify(d)).not.toContain('pw');
  });

  it("an https REDIS_URL is Upstash's REST API, with the token; otherwise UPSTASH_REDIS_REST_URL", () => {
    expect(choose({ REDIS_URL: 'https://eu1-x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't0k' })).toEqual({
      kind: 'upstash',
      variable: 'REDIS_URL',
      url: 'https://eu1-x.upstash.io',
      token: 't0k',
      address: 'eu1-x.upstash.io',
    });
    const rest = choose({ UPSTASH_REDIS_REST_URL: 'https://us1-y.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't0k' });
    expect(rest).toMatchObject({ kind: 'upstash', variable: 'UPSTASH_REDIS_REST_URL' });
    expect(describeSessionStore(rest)).toBe('Upstash at us1-y.upstash.io');
    // A Redis server wins over the REST variables when both are set.
    expect(choose({ REDIS_URL: 'redis://r:6379', UPSTASH_REDIS_REST_URL: 'https://u.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't' }).kind).toBe('redis');
  });
});
