import { stemmer } from 'stemmer';
import { memoize } from './memo';

/**
 * Stem of a lower-cased word token. Tokens with digits or non-Latin letters stay as they are.
 * Memoized: the same few thousand words recur across chunks and queries.
 */
export const stem: (word: string) => string = memoize(50_000, (word) => (word.length > 3 && /^[a-z]+$/u.test(word) ? stemmer(word) : word));

export function stemAll(tokens: readonly string[]): string[] {
  const out = new Array<string>(tokens.length);
  for (let i = 0; i < tokens.length; i++) out[i] = stem(tokens[i]);
  return out;
}
