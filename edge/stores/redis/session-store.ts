/**
 * SessionStore on a Redis server through node-redis, shared by every process pointed at it.
 * The session layout and the scripts are those of the Upstash store (./scripts.ts): numbering,
 * keeping and publishing an event is one Lua script, so it is atomic across processes and
 * subscribers see events in seq order. Leases are a compare-and-set script on a PX key; cache
 * entries are `{"v": value}` JSON with EX; rate limits a sliding window (two counters, one script).
 *
 * Subscriptions share one dedicated connection: the first local listener of a channel
 * subscribes in Redis, the last to leave unsubscribes; messages are handed to each listener as
 * its own copy (LocalChannels). The store's own publishes come back through Redis like anyone
 * else's, so there is exactly one path, whichever process published.
 */
import { createHash } from 'node:crypto';
import { sessionChannel, type Clock, type Logger, type RateCheck, type NumberedEvent, type SessionStore } from '../../core/ports';
import { LocalChannels, subscribeRemote } from '../local-channels';
import { errorText, RedisConnections, type RedisClient, type RedisConnectionOptions } from './connection';
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
} from './scripts';

export interface RedisSessionStoreOptions extends RedisConnectionOptions {
  /** Places the rate-limit windows; default `Date.now`. Expiry is Redis' own clock. */
  clock?: Clock;
  log?: Pick<Logger, 'warn' | 'info'>;
  /** Events kept per session for resume; older ones are dropped. */
  maxEventsPerSession?: number;
  /** A session untouched this long is forgotten (its client can no longer resume). */
  sessionTtlSeconds?: number;
  /** Key and channel prefix, so several sites or environments can share one database. */
  prefix?: string;
}

const sha1 = (script: string) => createHash('sha1').update(script).digest('hex');
const SCRIPTS = { APPEND_EVENT, EVENTS_AFTER, LEASE, UNLEASE, SLIDING_WINDOWS };
type ScriptName = keyof typeof SCRIPTS;
const SHAS = Object.fromEntries(Object.entries(SCRIPTS).map(([k, v]) => [k, sha1(v)])) as Record<ScriptName, string>;

export class RedisSessionStore implements SessionStore {
  private readonly conn: RedisConnections;
  private readonly clock: Clock;
  private readonly maxEvents: number;
  private readonly sessionTtl: number;
  private readonly timeoutMs: number;
  private readonly keys: ReturnType<typeof sessionKeys>;
  private readonly prefix: string;
  private readonly local: LocalChannels;
  /** Channels subscribed (or being subscribed) in Redis, by their Redis name. */
  private readonly remote = new Map<string, Promise<void>>();
  private readonly dispatch = (message: string, channel: string) => this.local.deliver(channel, message);

  constructor(opts: RedisSessionStoreOptions) {
    this.conn = new RedisConnections(opts);
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.maxEvents = positive(opts.maxEventsPerSession ?? 1000, 'maxEventsPerSession');
    this.sessionTtl = positive(opts.sessionTtlSeconds ?? 86_400, 'sessionTtlSeconds');
    this.timeoutMs = opts.commandTimeoutMs ?? 5000;
    this.prefix = opts.prefix ?? 'sc:';
    this.keys = sessionKeys(this.prefix);
    this.local = new LocalChannels(opts.log);
  }

  /** Connects both connections; keeps retrying until then, so race it with a deadline. */
  connect(): Promise<void> {
    return this.conn.connect();
  }

  /** Why the last connection attempt failed, for a start-up message. */
  get lastError(): string | null {
    return this.conn.lastError;
  }

  async appendEvent(session: string, event: unknown, floor: number): Promise<number> {
    const args = [toJson(event), String(wholeNumber(floor, 'floor')), String(this.maxEvents), String(this.sessionTtl)];
    args.push(this.keys.channel(sessionChannel(session)));
    return Number(await this.script('APPEND_EVENT', [this.keys.events(session)], args));
  }

  async lastSeq(session: string): Promise<number | null> {
    const tail = await this.run((c) => c.lIndex(this.keys.events(session), -1));
    return tail === null ? null : seqOfEntry(String(tail));
  }

  async eventsAfter(session: string, after: number): Promise<NumberedEvent[] | null> {
    const entries = await this.script('EVENTS_AFTER', [this.keys.events(session)], [String(wholeNumber(after, 'after'))]);
    if (entries === null) return null;
    return (entries as string[]).map((e) => JSON.parse(String(e)) as NumberedEvent);
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const ms = positive(Math.ceil(ttlMs), 'ttlMs');
    return Number(await this.script('LEASE', [this.keys.lease(key)], [owner, String(ms)])) === 1;
  }

  async unlease(key: string, owner: string): Promise<void> {
    await this.script('UNLEASE', [this.keys.lease(key)], [owner]);
  }

  async cacheGet<T>(key: string): Promise<T | null> {
    const raw = await this.run((c) => c.get(this.keys.cache(key)));
    return raw === null ? null : ((JSON.parse(String(raw)) as { v: T }).v ?? null);
  }

  async cacheSet<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.run((c) => c.set(this.keys.cache(key), `{"v":${toJson(value)}}`, { EX: seconds(ttlSeconds) }));
  }

  rateLimit(key: string, limit: number, windowSeconds: number): Promise<number> {
    return this.rateLimits([{ key, limit, windowSeconds }]);
  }

  /** The windows follow the injected clock, so tests can move them; the keys expire in Redis time. */
  async rateLimits(checks: readonly RateCheck[]): Promise<number> {
    if (checks.length === 0) return 0;
    const call = slidingWindows(this.keys, checks, this.clock.now());
    return call.waitOf(await this.script('SLIDING_WINDOWS', call.keys, call.args));
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.run((c) => c.publish(this.keys.channel(channel), toJson(message)));
  }

  subscribe(channel: string, fn: (message: unknown) => void): Promise<() => void> {
    return subscribeRemote(this.local, this.keys.channel(channel), fn, (n) => this.listen(n), (n, off) => this.leave(n, off));
  }

  /** The event log, and every counter or lease named after the session (found by SCAN: erasure is rare). */
  async forget(session: string): Promise<void> {
    await this.run(async (c) => {
      const keys = [this.keys.events(session)];
      for await (const batch of c.scanIterator({ MATCH: keysNaming(this.prefix, session), COUNT: 500 })) keys.push(...batch);
      await c.del([...new Set(keys)]);
    });
  }

  async ping(): Promise<void> {
    // Without the subscriber, events of other processes would be missed: not ready either.
    if (!this.conn.subscriber.isReady) throw new Error('redis subscriptions are disconnected');
    await this.run((c) => c.ping());
  }

  async close(): Promise<void> {
    this.remote.clear();
    await this.conn.close();
  }

  private listen(name: string): Promise<void> {
    const existing = this.remote.get(name);
    if (existing) return existing;
    const sub = this.conn.subscriber;
    // A SUBSCRIBE written while offline would wait for the reconnect: refuse now instead.
    if (!sub.isReady) return Promise.reject(new Error(`redis is unreachable (${this.conn.lastError ?? 'disconnected'})`));
    const subscribed = deadline(sub.subscribe(name, this.dispatch), this.timeoutMs, `SUBSCRIBE ${name}`);
    this.remote.set(name, subscribed);
    return subscribed;
  }

  private leave(name: string, off: () => void): void {
    off();
    if (this.local.has(name) || !this.remote.delete(name)) return;
    const sub = this.conn.subscriber;
    // Also after a failed SUBSCRIBE: it may still land, and node-redis would then keep it.
    if (sub.isOpen) sub.unsubscribe(name, this.dispatch).catch(() => {});
  }

  /** EVALSHA, loading the script with EVAL when the server does not have it (yet, or any more). */
  private script(name: ScriptName, keys: string[], args: string[]): Promise<unknown> {
    return this.run(async (client) => {
      try {
        return await client.evalSha(SHAS[name], { keys, arguments: args });
      } catch (err) {
        if (!errorText(err).startsWith('NOSCRIPT')) throw err;
        return await client.eval(SCRIPTS[name], { keys, arguments: args });
      }
    });
  }

  /**
   * Every call gets a deadline: node-redis times out only the wait before a command is written,
   * so a server that accepts but never answers would hang it. The abandoned command stays in
   * node-redis' queue, so a late reply still pairs with it and not with a newer command.
   */
  private run<T>(fn: (client: RedisClient) => Promise<T>): Promise<T> {
    return deadline(fn(this.conn.commands), this.timeoutMs);
  }
}

function deadline<T>(p: Promise<T>, ms: number, what?: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer${what ? ` ${what}` : ''} within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
