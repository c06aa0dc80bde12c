/** Okapi BM25 (k1 1.2, b 0.75) over stemmed words without stop words: the usual baseline. */
import { isStopword, stemAll, words } from '../../edge/text';

export interface Bm25 {
  /** Indexes of the best documents, best first (only those sharing a term with the query). */
  search(query: string, k: number): number[];
}

const K1 = 1.2;
const B = 0.75;

export function bm25Index(docs: string[]): Bm25 {
  const terms = (t: string) => stemAll(words(t.toLowerCase()).filter((w) => !isStopword(w)));
  const tfs = docs.map((d) => {
    const tf = new Map<string, number>();
    for (const w of terms(d)) tf.set(w, (tf.get(w) ?? 0) + 1);
    return tf;
  });
  const lens = tfs.map((tf) => [...tf.values()].reduce((a, b) => a + b, 0));
  const avg = lens.reduce((a, b) => a + b, 0) / Math.max(1, lens.length);
  const df = new Map<string, number>();
  for (const tf of tfs) for (const w of tf.keys()) df.set(w, (df.get(w) ?? 0) + 1);
  const idf = (w: string) => Math.log(1 + (docs.length - df.get(w)! + 0.5) / (df.get(w)! + 0.5));
  return {
    search(query, k) {
      const q = [...new Set(terms(query))].filter((w) => df.has(w));
      const scores = tfs.map((tf, i) =>
        q.reduce((s, w) => {
          const f = tf.get(w);
          return f ? s + (idf(w) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * lens[i]) / avg)) : s;
        }, 0),
      );
      return [...scores.keys()].filter((i) => scores[i] > 0).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
    },
  };
}
