/**
 * The session store of a Node process, as the configuration selects it (edge/config/session-store.ts):
 * a Redis server (REDIS_URL redis:// or rediss://), Upstash over REST (an https:// URL with
 * UPSTASH_REDIS_REST_TOKEN), or memory for a single process. A server that does not answer at
 * start stops the start with one line naming the variable; once running, the stores ride out
 * outages themselves (commands reject, the clients reconnect).
 */
import { Redis } from '@upstash/redis';
import { describeSessionStore, sessionStoreChoice } from '../../config/session-store';
import type { Config } from '../../config/schema';
import type { Clock, Logger, SessionStore } from '../../core/ports';
import { MemorySessionStore } from '../../stores/memory/session-store';
import { errorText } from '../../stores/redis/connection';
import { RedisSessionStore } from '../../stores/redis/session-store';
import { UpstashSessionStore } from '../../stores/upstash/session-store';
import { StartupError } from './startup-error';

export interface OpenedSessionStore {
  store: SessionStore;
  /** For the start-up log, e.g. `Redis at 10.0.0.5:6379`. */
  describe: string;
  close(): Promise<void>;
}

export interface SessionStoreOpenOptions {
  /** How long the server has to answer at start; default 3000 ms. */
  connectTimeoutMs?: number;
  /** How long one command may take once running; default 5000 ms. */
  commandTimeoutMs?: number;
}

export async function openSessionStore(
  config: Config,
  log: Logger,
  clock: Clock,
  opts: SessionStoreOpenOptions = {},
): Promise<OpenedSessionStore> {
  const choice = sessionStoreChoice(config);
  const describe = describeSessionStore(choice);
  const waitMs = opts.connectTimeoutMs ?? 3000;
  const commandTimeoutMs = opts.commandTimeoutMs ?? 5000;
  if (choice.kind === 'memory') {
    const store = new MemorySessionStore({ clock, log });
    return { store, describe, close: () => store.close() };
  }

  let store: RedisSessionStore | UpstashSessionStore;
  let check: Promise<void>;
  if (choice.kind === 'redis') {
    const redis = new RedisSessionStore({ url: choice.url, log, clock, commandTimeoutMs, connectTimeoutMs: waitMs });
    store = redis;
    check = redis.connect();
  } else {
    const redis = new Redis({
      url: choice.url,
      token: choice.token,
      // A failing request rejects within a second or so instead of the client's default ~4 s of
      // retries, and none waits past the command timeout.
      retry: { retries: 2, backoff: (n) => 100 * 2 ** n },
      signal: () => AbortSignal.timeout(commandTimeoutMs),
    });
    store = new UpstashSessionStore({ redis, clock, log, subscribeTimeoutMs: commandTimeoutMs });
    check = store.ping();
  }
  try {
    await deadline(check, waitMs);
  } catch (err) {
    await store.close().catch(() => {});
    const lastError = store instanceof RedisSessionStore ? store.lastError : null;
    const reason = lastError ?? (err instanceof NoAnswer ? err.message : reasonOf(err));
    throw new StartupError(choice.variable, `cannot connect to ${choice.address} (${reason})`);
  }
  return { store, describe, close: () => store.close() };
}

class NoAnswer extends Error {}

function deadline(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** One line: fetch's own "fetch failed" hides the socket error in `cause`; Upstash appends the command. */
function reasonOf(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return errorText(cause)
    .replace(/, command was: .*$/s, '')
    .split('\n')[0];
}
