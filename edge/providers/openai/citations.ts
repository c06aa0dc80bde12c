/**
 * Keeps the streamed text to citations of sources the answer was given: a model that writes
 * [7] with four sources has nothing to point at, so the marker is dropped (with the space
 * before it) rather than shown. "[1, 3]" becomes "[1][3]", the form citations are read in.
 * Markers can be split across stream chunks, so a trailing "[1" is held until it closes.
 */
const MARKER = /(\s*)\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
/** Trailing space or an unclosed marker: held back, since a dropped marker takes its space along. */
const OPEN_TAIL = /\s*(?:\[[\d,\s]*)?$/;
/** Longer than this, a "[" is not a citation in the making. */
const MAX_HELD = 24;

export class CitationGuard {
  private held = '';

  constructor(private readonly allowed: Set<number>) {}

  /** More sources became citable (a tool found them). */
  allow(n: number): void {
    this.allowed.add(n);
  }

  /** The part of `text` (with anything held before) that is safe to show now. */
  push(text: string): string {
    const all = this.held + text;
    const tail = all.match(OPEN_TAIL);
    if (tail && tail[0].length <= MAX_HELD) {
      this.held = tail[0];
      return this.clean(all.slice(0, all.length - tail[0].length));
    }
    this.held = '';
    return this.clean(all);
  }

  /** What is still held, at the end of the stream. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return this.clean(rest);
  }

  private clean(text: string): string {
    return text.replace(MARKER, (_m, space: string, list: string) => {
      const kept = list
        .split(',')
        .map((s) => Number(s.trim()))
        .filter((n) => this.allowed.has(n));
      return kept.length ? `${space}${kept.map((n) => `[${n}]`).join('')}` : '';
    });
  }
}
