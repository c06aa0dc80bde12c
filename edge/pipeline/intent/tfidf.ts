/**
 * TF-IDF over an utterance's hashed n-grams: a vocabulary of the hashes seen in training (an
 * exact map, not a hashed-into-buckets space: no two features share a weight), smooth idf as
 * scikit-learn computes it, and each block (words, chars) L2-normalised on its own, so a long
 * word block does not drown the char block or the other way round.
 */
import { fromBase64, packSorted, toBase64, unpackSorted } from './codec';
import type { Grams } from './ngrams';

export interface Sparse {
  index: Int32Array;
  value: Float32Array;
}

/** Kept features: word hashes then char hashes, each sorted; `idf` in the same column order. */
export interface Vocabulary {
  words: Uint32Array;
  chars: Uint32Array;
  idf: Float32Array;
}

export function fitVocabulary(grams: readonly Grams[], minDf = 1): Vocabulary {
  const df = (pick: (g: Grams) => Map<number, number>) => {
    const counts = new Map<number, number>();
    for (const g of grams) for (const h of pick(g).keys()) counts.set(h, (counts.get(h) ?? 0) + 1);
    const kept = [...counts].filter(([, d]) => d >= minDf).sort((a, b) => a[0] - b[0]);
    return { hashes: Uint32Array.from(kept, (k) => k[0]), df: kept.map((k) => k[1]) };
  };
  const words = df((g) => g.words);
  const chars = df((g) => g.chars);
  const n = grams.length;
  const idf = Float32Array.from([...words.df, ...chars.df], (d) => Math.log((1 + n) / (1 + d)) + 1);
  return { words: words.hashes, chars: chars.hashes, idf };
}

/** The vocabulary restricted to the columns `keep` marks, and where each old column went (-1: dropped). */
export function pruneVocabulary(v: Vocabulary, keep: (column: number) => boolean): { vocabulary: Vocabulary; columns: Int32Array } {
  const columns = new Int32Array(v.idf.length).fill(-1);
  const words: number[] = [];
  const chars: number[] = [];
  const idf: number[] = [];
  for (let c = 0; c < v.idf.length; c++) {
    if (!keep(c)) continue;
    columns[c] = idf.length;
    idf.push(v.idf[c]);
    if (c < v.words.length) words.push(v.words[c]);
    else chars.push(v.chars[c - v.words.length]);
  }
  return { vocabulary: { words: Uint32Array.from(words), chars: Uint32Array.from(chars), idf: Float32Array.from(idf) }, columns };
}

export class Vectorizer {
  private readonly words = new Map<number, number>();
  private readonly chars = new Map<number, number>();

  constructor(readonly vocabulary: Vocabulary) {
    vocabulary.words.forEach((h, i) => this.words.set(h, i));
    const offset = vocabulary.words.length;
    vocabulary.chars.forEach((h, i) => this.chars.set(h, offset + i));
  }

  get dims(): number {
    return this.vocabulary.idf.length;
  }

  /** Share of the utterance's word n-grams (counted with repeats) the vocabulary knows; 0 for none. */
  coverage(g: Grams): number {
    let known = 0;
    let all = 0;
    for (const [h, tf] of g.words) {
      all += tf;
      if (this.words.has(h)) known += tf;
    }
    return all > 0 ? known / all : 0;
  }

  /** Features outside the vocabulary are dropped before normalising: what the model never saw weighs nothing. */
  vectorize(g: Grams): Sparse {
    const index: number[] = [];
    const value: number[] = [];
    for (const [counts, columns] of [[g.words, this.words], [g.chars, this.chars]] as const) {
      const start = value.length;
      let norm = 0;
      for (const [h, tf] of counts) {
        const c = columns.get(h);
        if (c === undefined) continue;
        const v = tf * this.vocabulary.idf[c];
        index.push(c);
        value.push(v);
        norm += v * v;
      }
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let k = start; k < value.length; k++) value[k] *= inv;
    }
    return { index: Int32Array.from(index), value: Float32Array.from(value) };
  }
}

export interface StoredVocabulary {
  words: string;
  chars: string;
  /** uint8 per column: idf = 1 + q / 255 · (idfMax − 1). */
  idf: string;
  idfMax: number;
}

/** The vocabulary with idf on the uint8 grid it is stored on, so a model serves what it stores. */
export function roundIdf(v: Vocabulary): Vocabulary {
  return loadVocabulary(storeVocabulary(v));
}

export function storeVocabulary(v: Vocabulary): StoredVocabulary {
  const idfMax = v.idf.reduce((m, x) => Math.max(m, x), 1);
  const q = Uint8Array.from(v.idf, (x) => Math.round(((x - 1) / (idfMax - 1 || 1)) * 255));
  return { words: packSorted(v.words), chars: packSorted(v.chars), idf: toBase64(q), idfMax };
}

export function loadVocabulary(s: StoredVocabulary): Vocabulary {
  const q = fromBase64(s.idf);
  // A plain loop: TypedArray.from with a map function is several times slower on V8.
  const idf = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) idf[i] = 1 + (q[i] / 255) * (s.idfMax - 1);
  return { words: unpackSorted(s.words), chars: unpackSorted(s.chars), idf };
}
