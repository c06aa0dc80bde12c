/**
 * Retries with "full jitter" backoff (a random wait between 0 and min(cap, base·2^attempt), as
 * in the AWS architecture blog's comparison): clients that failed together do not come back
 * together. A server's Retry-After is obeyed when it fits the caller's patience
 * (`maxRetryAfterMs`); a longer one ends the retries at once, so a fallback can answer instead.
 */
import { classify, isAbort, type Failure } from './errors';

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After worth waiting for. */
  maxRetryAfterMs: number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

export interface RetryHooks {
  signal?: AbortSignal;
  /** Heard before each wait, with what failed. */
  onRetry?(err: unknown, failure: Failure, attempt: number, delayMs: number): void;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions, hooks: RetryHooks = {}): Promise<T> {
  const random = o.random ?? Math.random;
  const sleep = o.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (isAbort(err, hooks.signal) || attempt >= o.retries) throw err;
      const failure = classify(err, o.now?.());
      if (!failure.retryable) throw err;
      const delay = backoff(failure, attempt, o, random);
      if (delay === null) throw err;
      hooks.onRetry?.(err, failure, attempt + 1, delay);
      await sleep(delay, hooks.signal);
    }
  }
}

/** The wait before attempt `attempt + 1`, or null when the server asks for longer than we wait. */
export function backoff(failure: Failure, attempt: number, o: RetryOptions, random: () => number = Math.random): number | null {
  if (failure.retryAfterMs !== undefined) return failure.retryAfterMs <= o.maxRetryAfterMs ? failure.retryAfterMs : null;
  return Math.floor(random() * Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt));
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
