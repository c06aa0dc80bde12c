/**
 * Keeps an answer's streamed text to citations of sources it was given, and numbers them as
 * the visitor reads them. A model that writes [7] with four sources has nothing to point at,
 * so the marker is dropped (with the space before it) rather than shown. "[1, 3]" becomes
 * "[1][3]". With `renumber`, the first source cited shows as [1], the next new one as [2]…,
 * whatever their rank was, so the citations under an answer run 1..n without gaps.
 * Markers can be split across stream chunks, so a trailing "[1" is held until it closes.
 */
import type { Citation } from '@support-chat/protocol';
import type { Source } from './ports';

const MARKER = /(\s*)\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
/** Trailing space or an unclosed marker: held back, since a dropped marker takes its space along. */
const OPEN_TAIL = /\s*(?:\[[\d,\s]*)?$/;
/** Longer than this, a "[" is not a citation in the making. */
const MAX_HELD = 24;

export class CitationGuard {
  private held = '';
  /** Source number → the number shown, in the order first cited. */
  private readonly shown = new Map<number, number>();

  constructor(
    private readonly allowed: Set<number>,
    private readonly options: { renumber?: boolean } = {},
  ) {}

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

  /** The cited sources as citations, in the order first cited, under their shown numbers. */
  citations(sources: Source[]): Citation[] {
    return this.cited(sources).map((s) => ({ n: s.n, title: s.title, ...(s.url ? { url: s.url } : {}), snippet: snippet(s.text) }));
  }

  /** The cited sources renumbered as shown (what a replay of the shown text cites). */
  cited(sources: Source[]): Source[] {
    const byN = new Map(sources.map((s) => [s.n, s]));
    const out: Source[] = [];
    for (const [n, shownAs] of this.shown) {
      const s = byN.get(n);
      if (s) out.push({ ...s, n: shownAs });
    }
    return out;
  }

  private clean(text: string): string {
    return text.replace(MARKER, (_m, space: string, list: string) => {
      const kept = [
        ...new Set(
          list
            .split(',')
            .map((s) => Number(s.trim()))
            .filter((n) => this.allowed.has(n)),
        ),
      ].map((n) => this.show(n));
      return kept.length ? `${space}${kept.map((n) => `[${n}]`).join('')}` : '';
    });
  }

  private show(n: number): number {
    if (!this.options.renumber) {
      if (!this.shown.has(n)) this.shown.set(n, n);
      return n;
    }
    let shown = this.shown.get(n);
    if (shown === undefined) {
      shown = this.shown.size + 1;
      this.shown.set(n, shown);
    }
    return shown;
  }
}

function snippet(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20)) + '…';
}
