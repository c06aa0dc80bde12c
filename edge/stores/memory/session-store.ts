/**
 * SessionStore for a single process. Every map is bounded (least recently used goes first) and
 * expiry is lazy against the injected clock: no timers, so nothing keeps the process alive and
 * tests drive time by hand. Values are copied through JSON on the way in and out, so callers
 * see exactly what a Redis-backed store would give them (and cannot mutate what is stored).
 */
import type { Clock, Logger, SessionStore } from '../../core/ports';
import { LocalChannels } from '../local-channels';

export interface MemorySessionStoreOptions {
  clock: Clock;
  /** Events kept per session for resume; older ones are dropped. */
  maxEventsPerSession?: number;
  maxSessions?: number;
  /** Bound for the cache, and separately for claims and rate-limit windows. */
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
  events: { seq: number; event: string }[];
  /** Highest seq dropped for the bound: a resume from before it cannot be served whole. */
  droppedThrough: number;
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

  get size(): number {
    return this.map.size;
  }
}

const copy = <T>(value: T): string => JSON.stringify(value ?? null);

export class MemorySessionStore implements SessionStore {
  private readonly clock: Clock;
  private readonly maxEvents: number;
  private readonly sessionTtlMs: number;
  private readonly sessions: Lru<SessionLog>;
  private readonly cache: Lru<Expiring<string>>;
  private readonly claims: Lru<Expiring<true>>;
  private readonly windows: Lru<Expiring<number>>;
  private readonly channels: LocalChannels;

  constructor(opts: MemorySessionStoreOptions) {
    this.clock = opts.clock;
    this.maxEvents = positive(opts.maxEventsPerSession ?? 1000, 'maxEventsPerSession');
    this.sessionTtlMs = positive(opts.sessionTtlSeconds ?? 86_400, 'sessionTtlSeconds') * 1000;
    const maxEntries = positive(opts.maxCacheEntries ?? 10_000, 'maxCacheEntries');
    this.sessions = new Lru(positive(opts.maxSessions ?? 10_000, 'maxSessions'));
    this.cache = new Lru(maxEntries);
    this.claims = new Lru(maxEntries);
    this.windows = new Lru(maxEntries);
    this.channels = new LocalChannels(opts.log);
  }

  async eventsAfter(session: string, after: number): Promise<unknown[] | null> {
    const log = this.sessions.get(session, this.clock.now());
    if (!log) return null;
    // Events the client missed were dropped: resuming would hide a gap, so refuse.
    if (after < log.droppedThrough) return null;
    return log.events.filter((e) => e.seq > after).map((e) => JSON.parse(e.event) as unknown);
  }

  async appendEvent(session: string, seq: number, event: unknown): Promise<void> {
    const now = this.clock.now();
    const log = this.sessions.get(session, now) ?? { events: [], droppedThrough: 0, expiresAt: 0 };
    log.events.push({ seq, event: copy(event) });
    while (log.events.length > this.maxEvents) log.droppedThrough = log.events.shift()!.seq;
    log.expiresAt = now + this.sessionTtlMs;
    this.sessions.set(session, log);
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.clock.now();
    if (this.claims.get(key, now)) return false;
    this.claims.set(key, { value: true, expiresAt: now + ttlSeconds * 1000 });
    return true;
  }

  async cacheGet<T>(key: string): Promise<T | null> {
    const hit = this.cache.get(key, this.clock.now());
    return hit ? (JSON.parse(hit.value) as T) : null;
  }

  async cacheSet<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const now = this.clock.now();
    this.cache.set(key, { value: copy(value), expiresAt: now + ttlSeconds * 1000 });
  }

  async rateLimit(key: string, limit: number, windowSeconds: number): Promise<number> {
    const now = this.clock.now();
    const windowMs = windowSeconds * 1000;
    const windowEnd = (Math.floor(now / windowMs) + 1) * windowMs;
    // The entry expires with its window, so the next window starts from zero by itself.
    const count = (this.windows.get(key, now)?.value ?? 0) + 1;
    this.windows.set(key, { value: count, expiresAt: windowEnd });
    return count <= limit ? 0 : Math.max(1, Math.ceil((windowEnd - now) / 1000));
  }

  async publish(channel: string, message: unknown): Promise<void> {
    this.channels.deliver(channel, copy(message));
  }

  subscribe(channel: string, fn: (message: unknown) => void): () => void {
    return this.channels.subscribe(channel, fn);
  }

  /** Entry counts, for tests and health pages. */
  sizes(): { sessions: number; cache: number; claims: number; windows: number; channels: number } {
    return {
      sessions: this.sessions.size,
      cache: this.cache.size,
      claims: this.claims.size,
      windows: this.windows.size,
      channels: this.channels.size,
    };
  }
}

function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer`);
  return n;
}
