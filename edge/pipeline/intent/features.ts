/**
 * Hashed sparse features of an utterance for the intent model: stemmed word unigrams and
 * bigrams (with start/end marks, so "hi" alone differs from "hi, my order…"), and char
 * 3/4-grams inside words, which carry typos ("refnd", "shiping") to the right intent.
 * Emails, order numbers and amounts arrive as class tokens (#id, @email, #money).
 */
import { classTokens, fnv1a, fnv1aCombine, fnv1aRange, stem } from '../../text';

export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

export interface FeatureOptions {
  /** Size of the hashed feature space; a power of two. */
  dims: number;
  /** Weight of each char n-gram relative to a word feature. */
  charWeight?: number;
}

const SEED_WORD = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca77;
const SEED_CHAR = 0xc2b2ae3d;
const START = '\u0002';
const END = '\u0003';

export function extractFeatures(text: string, opts: FeatureOptions): SparseVector {
  const mask = opts.dims - 1;
  const charWeight = opts.charWeight ?? 0.35;
  const acc = new Map<number, number>();
  const add = (h: number, w: number) => {
    const i = h & mask;
    acc.set(i, (acc.get(i) ?? 0) + w);
  };

  const tokens = classTokens(text);
  let prev = START;
  for (const tok of tokens) {
    const s = stem(tok);
    add(fnv1a(s, SEED_WORD), 1);
    add(fnv1aCombine(fnv1a(prev, SEED_BIGRAM), s), 0.7);
    prev = s;
    if (tok.length >= 3 && tok[0] !== '#' && tok[0] !== '@') addCharGrams(tok, charWeight, add);
  }
  if (tokens.length > 0) add(fnv1aCombine(fnv1a(prev, SEED_BIGRAM), END), 0.7);
  // Length buckets: one-word messages ("hi", "agent") behave differently from long ones.
  add(fnv1a(`len:${Math.min(tokens.length, 6)}`, SEED_WORD), 0.5);

  return toUnitSparse(acc);
}

function addCharGrams(word: string, weight: number, add: (h: number, w: number) => void): void {
  const padded = `<${word}>`;
  for (let n = 3; n <= 4; n++) {
    for (let i = 0; i + n <= padded.length; i++) add(fnv1aRange(padded, i, i + n, SEED_CHAR + n), weight);
  }
}

/** L2-normalised: long and short utterances get comparable logits, and SGD steps stay stable. */
function toUnitSparse(acc: Map<number, number>): SparseVector {
  const index = new Int32Array(acc.size);
  const value = new Float32Array(acc.size);
  let norm = 0;
  let k = 0;
  for (const [i, v] of acc) {
    index[k] = i;
    value[k] = v;
    norm += v * v;
    k++;
  }
  norm = Math.sqrt(norm) || 1;
  for (let j = 0; j < value.length; j++) value[j] /= norm;
  return { index, value };
}
