/**
 * A bounded memo for pure functions of a string: the same chunks, words and passages recur
 * from question to question, and recomputing them (stemming, tokenizing, language detection)
 * was most of the pipeline's CPU time. Dropping the whole map when full is cheaper than LRU
 * book-keeping, and with limits well above a site's working set it rarely happens.
 */
export function memoize<V>(limit: number, fn: (key: string) => V): (key: string) => V {
  let memo = new Map<string, V>();
  return (key) => {
    const hit = memo.get(key);
    if (hit !== undefined || memo.has(key)) return hit as V;
    const out = fn(key);
    if (memo.size >= limit) memo = new Map();
    memo.set(key, out);
    return out;
  };
}
