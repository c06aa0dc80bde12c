/**
 * The embedded embedder: no model, no network. Signed feature hashing (Weinberger et al.,
 * 2009) of stemmed words, word bigrams and char 3-grams into 384 dimensions. It captures
 * lexical overlap, including inflections and typos, not synonyms: a cloud model does better
 * on paraphrase, and this one keeps the product whole offline and in tests.
 */
import type { Embedder } from '../../core/ports';
import { fnv1a, fnv1aCombine, fnv1aRange, isStopword, stem, words } from '../../text';

export const LOCAL_EMBEDDING_MODEL = 'local-hash-384';

const DIMENSIONS = 384;
const SEED_WORD = 0x2545f491;
const SEED_BIGRAM = 0x9e3779b9;
const SEED_CHAR = 0x7f4a7c15;

// Relative weights of the feature kinds; char grams are many per word, so each counts little.
const W_WORD = 1;
const W_STOPWORD = 0.15;
const W_BIGRAM = 0.6;
const W_CHAR = 0.22;

export class LocalEmbedder implements Embedder {
  readonly model = LOCAL_EMBEDDING_MODEL;
  readonly dimensions = DIMENSIONS;

  /** Queries and documents are embedded alike: the features are symmetric. */
  async embed(texts: string[], _purpose: 'query' | 'document'): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    // feature hash → [count, weight]; counts become sublinear tf (1 + ln tf).
    const counts = new Map<number, number>();
    const weights = new Map<number, number>();
    const add = (h: number, w: number) => {
      const c = counts.get(h);
      if (c === undefined) {
        counts.set(h, 1);
        weights.set(h, w);
      } else counts.set(h, c + 1);
    };

    let prev: string | null = null;
    for (const word of words(text)) {
      const s = stem(word);
      if (isStopword(word)) {
        add(fnv1a(s, SEED_WORD), W_STOPWORD);
        continue; // bigrams skip function words: "return (the) item" still pairs
      }
      add(fnv1a(s, SEED_WORD), W_WORD);
      if (prev !== null) add(fnv1aCombine(fnv1a(prev, SEED_BIGRAM), s), W_BIGRAM);
      prev = s;
      if (word.length >= 4) addCharGrams(word, add);
    }

    const v = new Float32Array(DIMENSIONS);
    for (const [h, c] of counts) {
      const value = (1 + Math.log(c)) * weights.get(h)!;
      v[h % DIMENSIONS] += h & 0x80000000 ? -value : value;
    }
    let norm = 0;
    for (let i = 0; i < DIMENSIONS; i++) norm += v[i] * v[i];
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let i = 0; i < DIMENSIONS; i++) v[i] *= inv;
    }
    return v;
  }
}

function addCharGrams(word: string, add: (h: number, w: number) => void): void {
  const padded = `<${word}>`;
  for (let i = 0; i + 3 <= padded.length; i++) add(fnv1aRange(padded, i, i + 3, SEED_CHAR), W_CHAR);
}

/** Cosine of two L2-normalised vectors (their dot product). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}
