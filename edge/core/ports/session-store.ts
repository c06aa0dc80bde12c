/**
 * The session store: live sessions' event logs, the answer cache, rate limits, leases and the
 * events that cross processes (memory, Redis or Upstash).
 */

/** An event as the session store numbered it: what `eventsAfter` returns and `appendEvent` publishes. */
export interface NumberedEvent {
  seq: number;
  event: unknown;
}

/** One sliding-window limit (core/rate-limit.ts): at most `limit` hits per `windowSeconds` on `key`. */
export interface RateCheck {
  key: string;
  limit: number;
  windowSeconds: number;
}

/** The channel on which `appendEvent` publishes a session's events, as `NumberedEvent`s. */
export const sessionChannel = (session: string): string => `session:${session}`;

/**
 * Sessions, cache, rate limits and events that cross processes: in memory on one process,
 * Redis/Upstash when several share the load. Every method may reject when the server behind
 * it is unreachable; none may hang past its client's timeout.
 */
export interface SessionStore {
  /**
   * Numbers an event (one more than the session's last, never below `floor`), keeps it for
   * resume and publishes it on `sessionChannel(session)`, as one atomic step: processes that
   * share the store never give two events one number, and subscribers see them in seq order.
   */
  appendEvent(session: string, event: unknown, floor: number): Promise<number>;
  /** The session's last seq, or null when the store holds nothing for it (new, expired, evicted). */
  lastSeq(session: string): Promise<number | null>;
  /**
   * The events with seq > `after`, oldest first; [] when `after` is the last seq; null when the
   * kept events no longer reach back to `after + 1` (dropped, expired, never here).
   */
  eventsAfter(session: string, after: number): Promise<NumberedEvent[] | null>;
  /**
   * Takes or extends a lease: true when `key` was free, expired or already held by `owner`.
   * Makes one process answer a message however many receive it, and lets another take over
   * when the holder dies (it stops renewing).
   */
  lease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if `owner` still holds it. */
  unlease(key: string, owner: string): Promise<void>;
  cacheGet<T>(key: string): Promise<T | null>;
  cacheSet<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  /** Sliding-window limit (core/rate-limit.ts): seconds to wait, or 0 when allowed; a refused call is not counted. */
  rateLimit(key: string, limit: number, windowSeconds: number): Promise<number>;
  /**
   * Several limits on one hit, in order and in one round trip: each counts it until one refuses
   * (that one and those after do not). Seconds to wait at the refusing limit, or 0.
   */
  rateLimits(checks: readonly RateCheck[]): Promise<number>;
  /** To every subscriber of the channel in every process sharing the store. */
  publish(channel: string, message: unknown): Promise<void>;
  /** Resolves once subscribed: nothing published after it resolves is missed. */
  subscribe(channel: string, fn: (message: unknown) => void): Promise<() => void>;
  /** Drops everything kept for the session (its event log: message text): erasure. */
  forget(session: string): Promise<void>;
  /** Rejects when the server behind the store does not answer (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
