import { stemmer } from 'stemmer';

/**
 * Porter stemming with a memo: the same few thousand words recur across chunks and queries,
 * and the memo makes stemming a map look-up on the hot path.
 */
const MEMO_LIMIT = 50_000;
let memo = new Map<string, string>();

/** Stem of a lower-cased word token. Tokens with digits or non-Latin letters stay as they are. */
export function stem(word: string): string {
  const hit = memo.get(word);
  if (hit !== undefined) return hit;
  const out = word.length > 3 && /^[a-z]+$/u.test(word) ? stemmer(word) : word;
  // Dropping the whole memo when full is cheaper than LRU book-keeping and rarely happens.
  if (memo.size >= MEMO_LIMIT) memo = new Map();
  memo.set(word, out);
  return out;
}

export function stemAll(tokens: readonly string[]): string[] {
  const out = new Array<string>(tokens.length);
  for (let i = 0; i < tokens.length; i++) out[i] = stem(tokens[i]);
  return out;
}
