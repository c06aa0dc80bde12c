/**
 * Spelling correction of query lexemes against a site's own vocabulary (its lexemes and their
 * document frequencies, from ts_stat): "retrun" → "return", "jaket" → "jacket". Done in JS
 * rather than with pg_trgm so it works the same on PGlite, a Debian PostgreSQL and Neon.
 */

/** Lexemes shorter than this are left alone: "fit" is one edit from too many words. */
const MIN_LENGTH = 4;

/** One edit up to 7 letters, two from 8 on: longer words carry more typos and have fewer neighbours. */
export function maxEdits(length: number): number {
  return length < MIN_LENGTH ? 0 : length < 8 ? 1 : 2;
}

export interface Vocabulary {
  df: Map<string, number>;
  /** Lexemes by length, built on first use: a correction only looks at lengths within reach. */
  byLength?: Map<number, string[]>;
}

/**
 * The vocabulary word nearest to `lexeme` (restricted Damerau–Levenshtein: a swap of two
 * neighbours counts one), the most frequent among equals; null when none is within reach.
 * Numbers and codes are never corrected (a wrong order number must not match another).
 */
export function correct(lexeme: string, vocab: Vocabulary): string | null {
  const limit = maxEdits(lexeme.length);
  if (limit === 0 || /\d/.test(lexeme)) return null;
  const byLength = (vocab.byLength ??= groupByLength(vocab.df));
  let best: string | null = null;
  let bestDistance = limit + 1;
  let bestDf = 0;
  for (let len = lexeme.length - limit; len <= lexeme.length + limit; len++) {
    for (const word of byLength.get(len) ?? []) {
      const d = editDistance(lexeme, word, Math.min(limit, bestDistance));
      if (d > limit) continue;
      const df = vocab.df.get(word) ?? 0;
      if (d < bestDistance || (d === bestDistance && (df > bestDf || (df === bestDf && best !== null && word < best)))) {
        best = word;
        bestDistance = d;
        bestDf = df;
      }
    }
  }
  return best;
}

function groupByLength(df: Map<string, number>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const w of df.keys()) {
    if (/\d/.test(w)) continue;
    const list = out.get(w.length);
    if (list) list.push(w);
    else out.set(w.length, [w]);
  }
  return out;
}

/** Optimal string alignment distance, giving up (returning max + 1) once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * True when one insertion, deletion, substitution or swap of neighbours turns `a` into `b`
 * (typos: "shiping", "retrun"): `editDistance(a, b, 1) <= 1` in one pass, without its table,
 * for the answerer and the reranker that try it against every word of every passage.
 */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1 || lb < 3) return false;
  if (la > lb) return withinOneEdit(b, a);
  let i = 0;
  while (i < la && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === la) return true; // equal, or b has one extra char at the end
  // A substitution, or two neighbours swapped ("retrun"/"return"), which typing makes as often.
  if (la === lb) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.slice(i) === b.slice(i + 1);
}
