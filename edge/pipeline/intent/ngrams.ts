/**
 * What the intent model reads in an utterance, as two blocks of hashed n-gram counts:
 * - words: stemmed unigrams, and bigrams with start/end marks ("<s> hi" differs from "hi
 *   my order"), over class tokens, so order numbers, emails and amounts count as "#id",
 *   "@email", "#money" rather than as numbers to memorise;
 * - chars: 2–5-grams inside each space-padded word (scikit-learn's char_wb), which carry
 *   typos and word forms the stemmer misses ("refnd", "cancellation") to the right intent.
 * Keys are 32-bit hashes: a model stores which hashes it kept, never the strings (smaller,
 * and no training text in the model). Measured on CLINC150 with the same SVM, class tokens,
 * stems and marks beat scikit-learn's plain `\b\w\w+\b` words: 93.6 against 93.1 in-scope
 * accuracy on the validation split, 93.2 against 92.8 on test.
 */
import { classTokens, fnv1a, fnv1aCombine, fnv1aRange, stem } from '../../text';

export interface Grams {
  words: Map<number, number>;
  chars: Map<number, number>;
}

const SEED_WORD = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca77;
const SEED_CHAR = 0xc2b2ae3d;
const START = '\u0002';
const END = '\u0003';
const CHAR_MIN = 2;
const CHAR_MAX = 5;

export function utteranceGrams(text: string): Grams {
  const words = new Map<number, number>();
  const chars = new Map<number, number>();
  const tokens = classTokens(text);
  let prev = START;
  for (const token of tokens) {
    const s = stem(token);
    count(words, fnv1a(s, SEED_WORD));
    count(words, fnv1aCombine(fnv1a(prev, SEED_BIGRAM), s));
    prev = s;
    if (token[0] !== '#' && token[0] !== '@') charGrams(token, chars);
  }
  if (tokens.length > 0) count(words, fnv1aCombine(fnv1a(prev, SEED_BIGRAM), END));
  return { words, chars };
}

function charGrams(token: string, into: Map<number, number>): void {
  const padded = ` ${token} `;
  for (let n = CHAR_MIN; n <= CHAR_MAX; n++) {
    if (padded.length < n) break;
    for (let i = 0; i + n <= padded.length; i++) count(into, fnv1aRange(padded, i, i + n, SEED_CHAR + n));
  }
}

function count(map: Map<number, number>, key: number): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
