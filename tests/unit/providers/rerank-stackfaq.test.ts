/**
 * The embedded reranker on public FAQ data (StackFAQ dev half, eval/README.md): candidates
 * are the local embedder's top 20; the reranker must put a right answer first more often
 * than the embedder's own order does, and score its right picks higher than its wrong ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cosine, LocalEmbedder } from '../../../edge/providers/embeddings/local';
import { LocalReranker } from '../../../edge/providers/rerank/local';

const DIR = fileURLToPath(new URL('../../../../shared/eval/stackfaq-dev/', import.meta.url));
const jsonl = (f: string) => readFileSync(DIR + f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

// The eval data sits beside the project (../shared/eval), not in it: a clone elsewhere has none.
if (!existsSync(DIR)) console.warn(`skipped: no eval data at ${DIR}`);
describe.skipIf(!existsSync(DIR))('local reranker on StackFAQ', () => {
  it('improves Recall@1 over the embedder order', async () => {
    const corpus: { _id: string; title: string; text: string }[] = jsonl('corpus.jsonl');
    const queries: { _id: string; text: string }[] = jsonl('queries.jsonl');
    const relevant = new Map<string, Set<string>>();
    for (const line of readFileSync(DIR + 'qrels.tsv', 'utf8').trim().split('\n').slice(1)) {
      const [q, d] = line.split('\t');
      relevant.set(q, (relevant.get(q) ?? new Set()).add(d.split('-')[0]));
    }
    const thread = (i: number) => corpus[i]._id.split('-')[0];
    const embedder = new LocalEmbedder();
    const reranker = new LocalReranker();
    const docs = await embedder.embed(corpus.map((c) => `${c.title}\n${c.text}`), 'document');

    let n = 0;
    let embedTop = 0;
    let rerankTop = 0;
    const right: number[] = [];
    const wrong: number[] = [];
    for (const q of queries) {
      const rel = relevant.get(q._id);
      if (!rel) continue;
      n++;
      const [v] = await embedder.embed([q.text], 'query');
      const hits = docs.map((d, i) => ({ i, s: cosine(v, d) })).sort((a, b) => b.s - a.s).slice(0, 20);
      if (rel.has(thread(hits[0].i))) embedTop++;
      const [best] = await reranker.rerank(q.text, hits.map((h) => ({ id: String(h.i), title: corpus[h.i].title, text: corpus[h.i].text })), 1);
      if (rel.has(thread(Number(best.id)))) {
        rerankTop++;
        right.push(best.score);
      } else wrong.push(best.score);
    }
    console.log(
      `StackFAQ dev, ${n} queries, top 20 by local-hash-384: Recall@1 embedder ${(embedTop / n).toFixed(3)}, ` +
        `reranked ${(rerankTop / n).toFixed(3)}; median top score when right ${median(right).toFixed(2)}, when wrong ${median(wrong).toFixed(2)}`,
    );
    expect(rerankTop / n).toBeGreaterThan(embedTop / n + 0.03);
    expect(median(right)).toBeGreaterThan(median(wrong) + 0.1);
  });
});
