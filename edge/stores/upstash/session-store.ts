/**
 * SessionStore on Upstash Redis over its REST API (`@upstash/redis`; in Workers import `Redis`
 * from `@upstash/redis/cloudflare`). Same semantics as the in-memory store, shared by every
 * process and isolate. Each operation is one HTTP round trip: writes that need several commands
 * go as one MULTI/EXEC.
 *
 * Layout (all under `prefix`): `ev:<session>` a list of `{s: seq, e: event}`, oldest first,
 * holding at most `maxEventsPerSession + 1` entries: when full, the first entry is not replayed
 * but marks the highest seq dropped, so a resume from before it is refused (null) instead of
 * silently skipping events, with no second key to keep in step. `claim:<key>`, `cache:<key>`
 * (`{v: value}`, so any JSON value survives the client's automatic deserialization) and
 * `rl:<key>:<window>` (a fixed-window counter) expire on their own.
 *
 * Publish/subscribe: the REST API answers requests; it holds no connection to push messages
 * on. `publish` sends a real PUBLISH (Redis-protocol subscribers elsewhere receive it) and hands
 * the message to this store's own subscribers; `subscribe` is therefore local to this store
 * object. In Workers the conversation's Durable Object fans events out to its sockets itself,
 * so nothing there relies on cross-isolate subscribe.
 */
import type { Redis } from '@upstash/redis';
import type { Clock, Logger, SessionStore } from '../../core/ports';
import { LocalChannels } from '../local-channels';

/** The commands used; structurally the same for `@upstash/redis` and `@upstash/redis/cloudflare`. */
export type UpstashRedis = Pick<Redis, 'get' | 'set' | 'lrange' | 'multi' | 'publish'>;

export interface UpstashSessionStoreOptions {
  redis: UpstashRedis;
  /** Places the rate-limit windows; default `Date.now`. Expiry is Redis' own clock. */
  clock?: Clock;
  /** Events kept per session for resume; older ones are dropped. */
  maxEventsPerSession?: number;
  /** A session untouched this long is forgotten (its client can no longer resume). */
  sessionTtlSeconds?: number;
  /** Key prefix, so several sites or environments can share one database. */
  prefix?: string;
  /** Where a throwing subscriber is reported; it never breaks publish or other subscribers. */
  log?: Pick<Logger, 'warn'>;
}

interface StoredEvent {
  s: number;
  e: unknown;
}

export class UpstashSessionStore implements SessionStore {
  private readonly redis: UpstashRedis;
  private readonly clock: Clock;
  private readonly maxEvents: number;
  private readonly sessionTtl: number;
  private readonly prefix: string;
  private readonly channels: LocalChannels;

  constructor(opts: UpstashSessionStoreOptions) {
    this.redis = opts.redis;
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.maxEvents = positive(opts.maxEventsPerSession ?? 1000, 'maxEventsPerSession');
    this.sessionTtl = positive(opts.sessionTtlSeconds ?? 86_400, 'sessionTtlSeconds');
    this.prefix = opts.prefix ?? 'sc:';
    this.channels = new LocalChannels(opts.log);
  }

  async eventsAfter(session: string, after: number): Promise<unknown[] | null> {
    const raw = await this.redis.lrange<unknown>(this.key('ev', session), 0, -1);
    if (raw.length === 0) return null;
    let entries = raw.map((r) => decode<StoredEvent>(r));
    if (entries.length > this.maxEvents) {
      const droppedThrough = entries[0].s;
      // Events the client missed were dropped: resuming would hide a gap, so refuse.
      if (after < droppedThrough) return null;
      entries = entries.slice(1);
    }
    return entries.filter((x) => x.s > after).map((x) => x.e);
  }

  async appendEvent(session: string, seq: number, event: unknown): Promise<void> {
    const key = this.key('ev', session);
    await this.redis
      .multi()
      .rpush(key, JSON.stringify({ s: seq, e: event ?? null }))
      .ltrim(key, -(this.maxEvents + 1), -1)
      .expire(key, this.sessionTtl)
      .exec();
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const res = await this.redis.set(this.key('claim', key), '1', { nx: true, ex: seconds(ttlSeconds) });
    return res === 'OK';
  }

  async cacheGet<T>(key: string): Promise<T | null> {
    const raw = await this.redis.get<unknown>(this.key('cache', key));
    return raw === null || raw === undefined ? null : (decode<{ v: T }>(raw).v ?? null);
  }

  async cacheSet<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key('cache', key), JSON.stringify({ v: value ?? null }), { ex: seconds(ttlSeconds) });
  }

  /**
   * A counter per fixed window, INCR and EXPIRE in one transaction. `@upstash/ratelimit` has a
   * fixed window too, but fixes limit and window per instance and reads `Date.now()`; here both
   * come per call and the window follows the injected clock, as in the in-memory store.
   */
  async rateLimit(key: string, limit: number, windowSeconds: number): Promise<number> {
    const now = this.clock.now();
    const windowMs = seconds(windowSeconds) * 1000;
    const window = Math.floor(now / windowMs);
    const windowEnd = (window + 1) * windowMs;
    const k = this.key('rl', `${key}:${window}`);
    const [count] = await this.redis.multi().incr(k).expire(k, seconds(windowSeconds)).exec<[number, number]>();
    return count <= limit ? 0 : Math.max(1, Math.ceil((windowEnd - now) / 1000));
  }

  async publish(channel: string, message: unknown): Promise<void> {
    const payload = JSON.stringify(message ?? null);
    await this.redis.publish(this.key('ch', channel), payload);
    this.channels.deliver(channel, payload);
  }

  /** Local to this store object (see the file header): messages published through it only. */
  subscribe(channel: string, fn: (message: unknown) => void): () => void {
    return this.channels.subscribe(channel, fn);
  }

  private key(kind: string, name: string): string {
    return `${this.prefix}${kind}:${name}`;
  }
}

/**
 * Values are written as JSON text; the client hands them back parsed (its default) or as the
 * text (with `automaticDeserialization: false`). Either way, the same object comes out.
 */
function decode<T>(raw: unknown): T {
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T;
}

function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer`);
  return n;
}

/** Redis expiries are whole seconds, at least one (EX 0 is an error). */
function seconds(n: number): number {
  return Math.max(1, Math.ceil(n));
}
