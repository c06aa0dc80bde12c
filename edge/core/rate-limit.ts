/**
 * Sliding-window rate limits, the estimate `@upstash/ratelimit` uses: the previous fixed
 * window's count, weighted by how much of it still lies inside the sliding window, plus the
 * current window's count. Two counters per key instead of a log of timestamps, and no burst
 * of twice the limit at a window's edge as a fixed window allows.
 *
 * A refused call is not counted: a client that keeps asking while refused is not kept out
 * longer than the limit says, and the wait it is told is the real one.
 */

export interface WindowCounts {
  /** Hits counted in the previous fixed window. */
  prev: number;
  /** Hits counted in the current fixed window, before this one. */
  curr: number;
}

/** Where `now` falls: the current fixed window's number and how far into it. */
export function windowAt(now: number, windowMs: number): { window: number; elapsedMs: number } {
  const window = Math.floor(now / windowMs);
  return { window, elapsedMs: now - window * windowMs };
}

/** Whether one more hit fits under `limit`. */
export function fits({ prev, curr }: WindowCounts, limit: number, elapsedMs: number, windowMs: number): boolean {
  return prev * ((windowMs - elapsedMs) / windowMs) + curr + 1 <= limit;
}

/**
 * Whole seconds until one more hit fits (at least 1), for a call that did not: while the
 * previous window's weight fades, or, when the current window alone is full, into the next
 * window, where the current count becomes the previous one.
 */
export function secondsToWait({ prev, curr }: WindowCounts, limit: number, elapsedMs: number, windowMs: number): number {
  let waitMs: number;
  if (curr + 1 <= limit) {
    // prev · (W − e − t)/W ≤ limit − curr − 1
    waitMs = windowMs - elapsedMs - ((limit - curr - 1) * windowMs) / prev;
  } else {
    // Into the next window: curr · (W − t')/W + 1 ≤ limit
    const into = limit >= 1 ? windowMs - ((limit - 1) * windowMs) / curr : windowMs;
    waitMs = windowMs - elapsedMs + Math.max(0, into);
  }
  return Math.max(1, Math.ceil(waitMs / 1000));
}
