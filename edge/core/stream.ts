import type { AnswerPart } from './ports';

/** `text` as answer parts, a few words at a time (see `streamText`). */
export async function* textParts(text: string, signal?: AbortSignal, wordsPerPiece = 3): AsyncGenerator<AnswerPart> {
  for await (const piece of streamText(text, signal, wordsPerPiece)) yield { type: 'text', text: piece };
}

/**
 * Yields `text` a few words at a time, the pieces a model would stream. Stops with the signal's
 * reason when aborted, like a fetch-based stream, so callers never mistake a cut answer
 * for a whole one.
 *
 * The text is all here already, so nothing waits between pieces: a timer every few pieces
 * (to let a disconnect be seen mid-answer) cost ~1 ms each, 5 ms of an 8 ms answer, and on
 * a busy process each one sent the answer to the back of the event loop's queue again.
 * The visitor sees no difference: answer.delta events gather what comes within 20 ms.
 */
export async function* streamText(text: string, signal?: AbortSignal, wordsPerPiece = 3): AsyncGenerator<string> {
  const tokens = text.match(/\s*\S+/gu) ?? [];
  for (let i = 0; i < tokens.length; i += wordsPerPiece) {
    if (signal?.aborted) throw signal.reason ?? new DOMException('The answer was aborted', 'AbortError');
    yield tokens.slice(i, i + wordsPerPiece).join('');
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
