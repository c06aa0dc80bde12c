/**
 * Time budgets that hold even when an SDK ignores its abort signal: the work is raced against
 * the timer, and the request is aborted so its socket is freed.
 */
import { ProviderTimeoutError } from './errors';

/** Runs `fn` with a signal that aborts after `ms` or with `parent`, whichever comes first. */
export async function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  ms: number,
  what: { provider: string; stage: string },
  parent?: AbortSignal,
): Promise<T> {
  if (parent?.aborted) throw parent.reason;
  const controller = new AbortController();
  let onAbort = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      controller.abort(parent!.reason);
      reject(parent!.reason);
    };
    parent?.addEventListener('abort', onAbort, { once: true });
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new ProviderTimeoutError(what.provider, what.stage, ms);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  stopped.catch(() => {});
  expired.catch(() => {});
  try {
    return await Promise.race([fn(controller.signal), expired, stopped]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onAbort);
  }
}

export interface IdleTimeouts {
  /** Longest wait for the first item. */
  firstMs: number;
  /** Longest wait between items after that. */
  idleMs: number;
}

/**
 * Iterates `source`, failing with `ProviderTimeoutError` when an item is late: a stream that
 * stalls must end (`onTimeout` aborts the request behind it), not hold the answer open.
 */
export async function* withIdleTimeout<T>(
  source: AsyncIterable<T>,
  t: IdleTimeouts,
  what: { provider: string; stage: string },
  onTimeout: (err: ProviderTimeoutError) => void,
): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let first = true;
  try {
    for (;;) {
      const ms = first ? t.firstMs : t.idleMs;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new ProviderTimeoutError(what.provider, `${what.stage} (${first ? 'first token' : 'between tokens'})`, ms);
          onTimeout(err);
          reject(err);
        }, ms);
      });
      late.catch(() => {});
      let r: IteratorResult<T>;
      try {
        r = await Promise.race([it.next(), late]);
      } finally {
        clearTimeout(timer);
      }
      if (r.done) return;
      first = false;
      yield r.value;
    }
  } finally {
    // Close the source (its HTTP body) without waiting on one that hangs.
    void Promise.resolve(it.return?.()).catch(() => {});
  }
}
