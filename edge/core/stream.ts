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
