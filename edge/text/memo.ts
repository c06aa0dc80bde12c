import { BoundedMap } from '../core/bounded-map';

/**
 * A bounded memo for pure functions of a string: the same chunks, words and passages recur
 * from question to question, and recomputing them (stemming, tokenizing, language detection)
 * was most of the pipeline's CPU time.
 */
export function memoize<V>(limit: number, fn: (key: string) => V): (key: string) => V {
  const memo = new BoundedMap<string, V>(limit);
  return (key) => {
    const hit = memo.get(key);
    if (hit !== undefined || memo.has(key)) return hit as V;
    const out = fn(key);
    memo.set(key, out);
    return out;
  };
}
