/**
 * SessionStore on Upstash Redis over its REST API (`@upstash/redis`; in Workers import `Redis`
 * from `@upstash/redis/cloudflare`). The same layout and Lua scripts as the node-redis store
 * (edge/stores/redis/scripts.ts), run with EVALSHA (EVAL when the server lacks the script), so
 * numbering an event is one atomic round trip whichever process or isolate asks.
 *
 * Values are written as JSON text; the client hands them back parsed (its default) or as the
 * text (`automaticDeserialization: false`). Either way the same object comes out here.
 *
 * Subscriptions: `redis.subscribe` holds one streaming HTTP response per channel (server-sent
 * `data: message,<channel>,<payload>` lines); the first local listener of a channel opens it,
 * the last to leave aborts it. The client gives no signal when such a stream ends, so a
 * subscription cut by the network stays silent until it is made again. In Workers a
 * conversation's Durable Object fans its events out itself and never subscribes.
 */
import type { Redis } from '@upstash/redis';
import { sessionChannel, type Clock, type Logger, type NumberedEvent, type RateCheck, type SessionStore } from '../../core/ports';
import { LocalChannels, subscribeRemote } from '../local-channels';
import {
  APPEND_EVENT,
  EVENTS_AFTER,
  LEASE,
  positive,
  seconds,
  seqOfEntry,
  keysNaming,
  sessionKeys,
  SLIDING_WINDOWS,
  slidingWindows,
  toJson,
  UNLEASE,
  wholeNumber,
} from '../redis/scripts';

/** The commands used; structurally the same for `@upstash/redis` and `@upstash/redis/cloudflare`. */
export type UpstashRedis = Pick<Redis, 'get' | 'set' | 'del' | 'scan' | 'lindex' | 'multi' | 'publish' | 'ping' | 'createScript' | 'subscribe'>;

export interface UpstashSessionStoreOptions {
  redis: UpstashRedis;
  /** Places the rate-limit windows; default `Date.now`. Expiry is Redis' own clock. */
  clock?: Clock;
  /** Events kept per session for resume; older ones are dropped. */
  maxEventsPerSession?: number;
  /** A session untouched this long is forgotten (its client can no longer resume). */
  sessionTtlSeconds?: number;
  /** Key and channel prefix, so several sites or environments can share one database. */
  prefix?: string;
  /** How long a subscription may take to be confirmed; default 5000 ms. */
  subscribeTimeoutMs?: number;
  /** Where a throwing subscriber or a failed subscription is reported. */
  log?: Pick<Logger, 'warn'>;
}

/** EVALSHA, falling back to EVAL when the server does not have the script (yet, or any more). */
interface Script<T> {
  exec(keys: string[], args: string[]): Promise<T>;
}
type Subscription = ReturnType<UpstashRedis['subscribe']>;

export class UpstashSessionStore implements SessionStore {
  private readonly redis: UpstashRedis;
  private readonly clock: Clock;
  private readonly maxEvents: number;
  private readonly sessionTtl: number;
  private readonly keys: ReturnType<typeof sessionKeys>;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly log?: Pick<Logger, 'warn'>;
  private readonly local: LocalChannels;
  private readonly remote = new Map<string, { stream: Subscription; ready: Promise<void> }>();
  /** Whether the client parses what it receives (its default); messages arrive parsed then. */
  private readonly parsed: boolean;
  private readonly scripts: {
    append: Script<number>;
    after: Script<unknown[] | null>;
    lease: Script<number>;
    unlease: Script<number>;
    windows: Script<number[]>;
  };

  constructor(opts: UpstashSessionStoreOptions) {
    this.redis = opts.redis;
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.maxEvents = positive(opts.maxEventsPerSession ?? 1000, 'maxEventsPerSession');
    this.sessionTtl = positive(opts.sessionTtlSeconds ?? 86_400, 'sessionTtlSeconds');
    this.prefix = opts.prefix ?? 'sc:';
    this.keys = sessionKeys(this.prefix);
    this.timeoutMs = opts.subscribeTimeoutMs ?? 5000;
    this.log = opts.log;
    this.local = new LocalChannels(opts.log);
    // The client keeps this setting to itself (a protected field); its default is to parse.
    this.parsed = (opts.redis as unknown as { opts?: { automaticDeserialization?: boolean } }).opts?.automaticDeserialization !== false;
    const script = <T>(text: string): Script<T> => this.redis.createScript<T>(text);
    this.scripts = { append: script(APPEND_EVENT), after: script(EVENTS_AFTER), lease: script(LEASE), unlease: script(UNLEASE), windows: script(SLIDING_WINDOWS) };
  }

  async appendEvent(session: string, event: unknown, floor: number): Promise<number> {
    const args = [toJson(event), String(wholeNumber(floor, 'floor')), String(this.maxEvents), String(this.sessionTtl)];
    args.push(this.keys.channel(sessionChannel(session)));
    return Number(await this.scripts.append.exec([this.keys.events(session)], args));
  }

  async lastSeq(session: string): Promise<number | null> {
    const tail: unknown = await this.redis.lindex(this.keys.events(session), -1);
    if (tail === null || tail === undefined) return null;
    return typeof tail === 'string' ? seqOfEntry(tail) : (tail as NumberedEvent).seq;
  }

  async eventsAfter(session: string, after: number): Promise<NumberedEvent[] | null> {
    const entries = await this.scripts.after.exec([this.keys.events(session)], [String(wholeNumber(after, 'after'))]);
    return entries === null || entries === undefined ? null : entries.map((e) => decode<NumberedEvent>(e));
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const ms = positive(Math.ceil(ttlMs), 'ttlMs');
    return Number(await this.scripts.lease.exec([this.keys.lease(key)], [owner, String(ms)])) === 1;
  }

  async unlease(key: string, owner: string): Promise<void> {
    await this.scripts.unlease.exec([this.keys.lease(key)], [owner]);
  }

  async cacheGet<T>(key: string): Promise<T | null> {
    const raw = await this.redis.get<unknown>(this.keys.cache(key));
    return raw === null || raw === undefined ? null : (decode<{ v: T }>(raw).v ?? null);
  }

  async cacheSet<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.keys.cache(key), `{"v":${toJson(value)}}`, { ex: seconds(ttlSeconds) });
  }

  rateLimit(key: string, limit: number, windowSeconds: number): Promise<number> {
    return this.rateLimits([{ key, limit, windowSeconds }]);
  }

  /**
   * The same sliding window and script as the node-redis store. `@upstash/ratelimit` computes
   * the same estimate, but fixes limit and window per instance and reads `Date.now()`; here
   * both come per call and the windows follow the injected clock, as in the other stores.
   */
  async rateLimits(checks: readonly RateCheck[]): Promise<number> {
    if (checks.length === 0) return 0;
    const call = slidingWindows(this.keys, checks, this.clock.now());
    return call.waitOf(await this.scripts.windows.exec(call.keys, call.args));
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.redis.publish(this.keys.channel(channel), toJson(message));
  }

  subscribe(channel: string, fn: (message: unknown) => void): Promise<() => void> {
    return subscribeRemote(this.local, this.keys.channel(channel), fn, (n) => this.listen(n), (n, off) => this.leave(n, off));
  }

  /** The event log, and every counter or lease named after the session (found by SCAN: erasure is rare). */
  async forget(session: string): Promise<void> {
    const keys = [this.keys.events(session)];
    let cursor: string | number = 0;
    do {
      const [next, batch]: [string | number, string[]] = await this.redis.scan(cursor, { match: keysNaming(this.prefix, session), count: 500 });
      keys.push(...batch);
      cursor = next;
    } while (String(cursor) !== '0');
    await this.redis.del(...new Set(keys));
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    for (const { stream } of this.remote.values()) void stream.unsubscribe();
    this.remote.clear();
  }

  private listen(name: string): Promise<void> {
    const existing = this.remote.get(name);
    if (existing) return existing.ready;
    const stream = this.redis.subscribe<unknown>(name);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Upstash did not confirm SUBSCRIBE ${name} within ${this.timeoutMs} ms`)), this.timeoutMs);
      stream.on('subscribe', () => {
        clearTimeout(timer);
        resolve();
      });
      stream.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
        this.log?.warn('upstash subscription failed', { channel: name, error: err.message });
      });
    });
    // Parsed by the client, a message is re-encoded so every listener gets its own copy.
    stream.on('message', ({ message }) => this.local.deliver(name, this.parsed ? toJson(message) : String(message)));
    this.remote.set(name, { stream, ready });
    return ready;
  }

  private leave(name: string, off: () => void): void {
    off();
    if (this.local.has(name)) return;
    const entry = this.remote.get(name);
    if (!entry) return;
    this.remote.delete(name);
    void entry.stream.unsubscribe();
  }
}

function decode<T>(raw: unknown): T {
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T;
}
