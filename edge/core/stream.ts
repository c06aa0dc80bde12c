import type { AnswerPart } from './ports';

/** `text` as answer parts, a few words at a time (see `streamText`). */
export async function* textParts(text: string, signal?: AbortSignal, wordsPerPiece = 3): AsyncGenerator<AnswerPart> {
  for await (const piece of streamText(text, signal, wordsPerPiece)) yield { type: 'text', text: piece };
}

/**
 * Yields `text` a few words at a time, as a model would stream it. Stops with the signal's
 * reason when aborted, like a fetch-based stream, so callers never mistake a cut answer
 * for a whole one.
 */
export async function* streamText(text: string, signal?: AbortSignal, wordsPerPiece = 3): AsyncGenerator<string> {
  const tokens = text.match(/\s*\S+/gu) ?? [];
  for (let i = 0; i < tokens.length; i += wordsPerPiece) {
    if (signal?.aborted) throw signal.reason ?? new DOMException('The answer was aborted', 'AbortError');
    yield tokens.slice(i, i + wordsPerPiece).join('');
    // Let the event loop run now and then (a timer costs ~1 ms): a disconnect can then
    // abort mid-answer without slowing the whole answer down.
    if ((i / wordsPerPiece) % 4 === 3) await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}

/**
 * Iterates `source` but stops with the signal's reason as soon as it aborts, even while the
 * source is stuck waiting: a provider that hangs must not hang the conversation.
 */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {}); // observed below; this only keeps it from counting as unhandled
  try {
    for (;;) {
      const r = await Promise.race([it.next(), aborted]);
      if (r.done) return;
      yield r.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Tell the source to stop (closes a fetch body, say); do not wait on one that hangs.
    void Promise.resolve(it.return?.()).catch(() => {});
  }
}

/** `p`, or the signal's reason as soon as it aborts (the work itself may go on, ignored). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
