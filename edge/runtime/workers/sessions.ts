/**
 * The session store of a Worker, as the configuration selects it (edge/config/session-store.ts,
 * the same choice as on Node): Upstash over its REST API (REDIS_URL=https://… or
 * UPSTASH_REDIS_REST_URL, with UPSTASH_REDIS_REST_TOKEN), else memory, one per isolate.
 *
 * A redis:// or rediss:// REDIS_URL names a Redis server over TCP, which a Worker has no client
 * for. With the REST variables also set (one settings file for Node servers on Redis and a
 * Worker on Upstash) those serve the Worker. Alone it is a configuration error, not a quiet
 * fall back to memory: whoever set it wants sessions shared, and memory would not share them.
 */
import { Redis } from '@upstash/redis/cloudflare';
import { ConfigError } from '../../config/load';
import type { Config } from '../../config/schema';
import { describeSessionStore, sessionStoreChoice } from '../../config/session-store';
import type { Clock, Logger, SessionStore } from '../../core/ports';
import { MemorySessionStore } from '../../stores/memory/session-store';
import { UpstashSessionStore } from '../../stores/upstash/session-store';

export interface WorkerSessionStore {
  store: SessionStore;
  /** For the start-up log, e.g. `Upstash at eu1-x.upstash.io`. */
  describe: string;
}

export function workerSessionStore(config: Config, o: { clock: Clock; log: Logger }): WorkerSessionStore {
  let choice = sessionStoreChoice(config);
  if (choice.kind === 'redis') {
    choice = sessionStoreChoice({ ...config, REDIS_URL: undefined });
    if (choice.kind !== 'upstash') {
      const scheme = new URL(config.REDIS_URL!).protocol;
      throw new ConfigError([
        `REDIS_URL is a ${scheme}// Redis server, which a Worker cannot reach: give it Upstash's REST URL ` +
          '(REDIS_URL=https://… or UPSTASH_REDIS_REST_URL) with UPSTASH_REDIS_REST_TOKEN, or leave REDIS_URL unset for sessions in memory',
      ]);
    }
  }
  if (choice.kind === 'memory') {
    return {
      store: new MemorySessionStore(o),
      describe: 'in memory, per isolate (set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN to share them)',
    };
  }
  const redis = new Redis({ url: choice.url, token: choice.token });
  return { store: new UpstashSessionStore({ redis, ...o }), describe: describeSessionStore(choice) };
}
