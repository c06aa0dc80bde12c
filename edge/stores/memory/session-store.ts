/**
 * SessionStore for a single process. Every map is bounded (least recently used goes first) and
 * expiry is lazy against the injected clock: no timers, so nothing keeps the process alive and
 * tests drive time by hand. Values are copied through JSON on the way in and out, so callers
 * see exactly what a Redis-backed store would give them (and cannot mutate what is stored).
 * Events follow the Redis stores' rules (edge/stores/redis/scripts.ts): consecutive seqs per
 * session, a floor above the last starts afresh, subscribers get the same `{seq, event}` text.
 */
import { fits, secondsToWait, windowAt } from '../../core/rate-limit';
import { sessionChannel, type Clock, type Logger, type NumberedEvent, type RateCheck, type SessionStore } from '../../core/ports';
import { LocalChannels } from '../local-channels';
import { positive, toJson, wholeNumber } from '../redis/scripts';

export interface MemorySessionStoreOptions {
  clock: Clock;
  /** Events kept per session for resume; older ones are dropped. */
  maxEventsPerSession?: number;
  maxSessions?: number;
  /**
   * Bound for the cache, and separately for leases and rate-limit windows. A lease pushed out
   * by newer ones is free again: leases live seconds, so the bound is only reached under abuse.
   */
  maxCacheEntries?: number;
  /** A session untouched this long is forgotten (its client can no longer resume). */
  sessionTtlSeconds?: number;
  /** Where a throwing subscriber is reported; it never breaks publish or other subscribers. */
  log?: Pick<Logger, 'warn'>;
}

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

interface SessionLog {
  /** Consecutive seqs, oldest first, each with its `{seq, event}` JSON as stored and published. */
  events: { seq: number; entry: string }[];
  expiresAt: number;
}

/** A Map used as an LRU: reading an entry moves it to the back; the front is evicted first. */
class Lru<V extends { expiresAt: number }> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string, now: number): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    this.map.delete(key);
    if (v.expiresAt <= now) return undefined;
    this.map.set(key, v);
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    // Expired entries are never read, so they drift to the front and go first anyway.
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  deleteWhere(pred: (key: string) => boolean): void {
    for (const key of [...this.map.keys()]) if (pred(key)) this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}

export class MemorySessionStore implements SessionStore {
  private readonly clock: Clock;
  private readonly maxEvents: number;
  private readonly sessionTtlMs: number;
  private readonly sessions: Lru<SessionLog>;
  private readonly cache: Lru<Expiring<string>>;
  private readonly leases: Lru<Expiring<string>>;
  private readonly windows: Lru<Expiring<number>>;
  private readonly channels: LocalChannels;

  constructor(opts: MemorySessionStoreOptions) {
    this.clock = opts.clock;
    this.maxEvents = positive(opts.maxEventsPerSession ?? 1000, 'maxEventsPerSession');
    this.sessionTtlMs = positive(opts.sessionTtlSeconds ?? 86_400, 'sessionTtlSeconds') * 1000;
    const maxEntries = positive(opts.maxCacheEntries ?? 10_000, 'maxCacheEntries');
    this.sessions = new Lru(positive(opts.maxSessions ?? 10_000, 'maxSessions'));
    this.cache = new Lru(maxEntries);
    this.leases = new Lru(maxEntries);
    this.windows = new Lru(maxEntries);
    this.channels = new LocalChannels(opts.log);
  }

  /** Delivered to this store's subscribers before it resolves: they are all there is. */
  async appendEvent(session: string, event: unknown, floor: number): Promise<number> {
    wholeNumber(floor, 'floor');
    const now = this.clock.now();
    const log = this.sessions.get(session, now) ?? { events: [], expiresAt: 0 };
    let last = log.events.at(-1)?.seq ?? 0;
    if (floor > last) {
      log.events = [];
      last = floor;
    }
    const seq = last + 1;
    const entry = `{"seq":${seq},"event":${toJson(event)}}`;
    log.events.push({ seq, entry });
    if (log.events.length > this.maxEvents) log.events.splice(0, log.events.length - this.maxEvents);
    log.expiresAt = now + this.sessionTtlMs;
    this.sessions.set(session, log);
    this.channels.deliver(sessionChannel(session), entry);
    return seq;
  }

  async lastSeq(session: string): Promise<number | null> {
    return this.sessions.get(session, this.clock.now())?.events.at(-1)?.seq ?? null;
  }

  async eventsAfter(session: string, after: number): Promise<NumberedEvent[] | null> {
    wholeNumber(after, 'after');
    const events = this.sessions.get(session, this.clock.now())?.events;
    if (!events?.length) return null;
    const from = after + 1 - events[0].seq;
    // Before the first kept event the client missed dropped ones; past the last it counts
    // events this store never gave. Either way a resume from here would hide a gap.
    if (from < 0 || from > events.length) return null;
    return events.slice(from).map((e) => JSON.parse(e.entry) as NumberedEvent);
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const held = this.leases.get(key, now);
    if (held && held.value !== owner) return false;
    this.leases.set(key, { value: owner, expiresAt: now + positive(Math.ceil(ttlMs), 'ttlMs') });
    return true;
  }

  async unlease(key: string, owner: string): Promise<void> {
    if (this.leases.get(key, this.clock.now())?.value === owner) this.leases.delete(key);
  }

  async cacheGet<T>(key: string): Promise<T | null> {
    const hit = this.cache.get(key, this.clock.now());
    return hit ? (JSON.parse(hit.value) as T) : null;
  }

  async cacheSet<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const now = this.clock.now();
    this.cache.set(key, { value: toJson(value), expiresAt: now + ttlSeconds * 1000 });
  }

  async rateLimit(key: string, limit: number, windowSeconds: number): Promise<number> {
    return this.rateLimits([{ key, limit, windowSeconds }]);
  }

  async rateLimits(checks: readonly RateCheck[]): Promise<number> {
    const now = this.clock.now();
    for (const { key, limit, windowSeconds } of checks) {
      const windowMs = windowSeconds * 1000;
      const { window, elapsedMs } = windowAt(now, windowMs);
      const counts = { prev: this.windows.get(`${key}:${window - 1}`, now)?.value ?? 0, curr: this.windows.get(`${key}:${window}`, now)?.value ?? 0 };
      if (!fits(counts, limit, elapsedMs, windowMs)) return secondsToWait(counts, limit, elapsedMs, windowMs);
      // Kept while it can still weigh in: through the next window.
      this.windows.set(`${key}:${window}`, { value: counts.curr + 1, expiresAt: (window + 2) * windowMs });
    }
    return 0;
  }

  async publish(channel: string, message: unknown): Promise<void> {
    this.channels.deliver(channel, toJson(message));
  }

  async subscribe(channel: string, fn: (message: unknown) => void): Promise<() => void> {
    return this.channels.subscribe(channel, fn);
  }

  async forget(session: string): Promise<void> {
    this.sessions.delete(session);
    // Counters and leases named after the session (limits, turns) go too.
    for (const lru of [this.windows, this.leases, this.cache]) lru.deleteWhere((k) => k.includes(session));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  /** Entry counts, for tests and health pages. */
  sizes(): { sessions: number; cache: number; leases: number; windows: number; channels: number } {
    return {
      sessions: this.sessions.size,
      cache: this.cache.size,
      leases: this.leases.size,
      windows: this.windows.size,
      channels: this.channels.size,
    };
  }
}
