/**
 * Sentence splitting on the runtime's ICU rules (Intl.Segmenter: Node and workerd both ship
 * it), with a merge for the common abbreviations ICU breaks after ("Mr.", "approx.").
 */
const ABBREVIATION = /(?:^|\s)(?:mr|mrs|ms|dr|prof|st|sr|jr|vs|approx|incl|excl|no|nr|ca|fig|dept)\.\s*$/iu;

let segmenter: Intl.Segmenter | null | undefined;

function getSegmenter(): Intl.Segmenter | null {
  if (segmenter === undefined) {
    segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter('en', { granularity: 'sentence' }) : null;
  }
  return segmenter;
}

/** Sentences of `text`, trimmed, empty ones dropped. Line breaks end a sentence (headings, list items). */
export function splitSentences(text: string): string[] {
  const seg = getSegmenter();
  const raw = seg ? Array.from(seg.segment(text), (s) => s.segment) : fallbackSplit(text);
  const out: string[] = [];
  let pending = '';
  for (const piece of raw) {
    const joined = pending + piece;
    if (ABBREVIATION.test(joined) && !piece.includes('\n')) {
      pending = joined;
      continue;
    }
    pending = '';
    const s = joined.trim();
    if (s) out.push(s);
  }
  const rest = pending.trim();
  if (rest) out.push(rest);
  return out;
}

function fallbackSplit(text: string): string[] {
  return text.match(/[^.!?\n]+(?:[.!?]+["')\]]*\s*|\n+|$)/gu) ?? [];
}
