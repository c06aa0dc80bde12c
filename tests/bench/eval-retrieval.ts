/**
 * `npm run eval`: retrieval quality on public FAQ data (StackFAQ dev half, ../shared/eval),
 * the product's retrieval (pgvector + Postgres full text, fused, then reranked) beside BM25
 * over the same corpus in the same run. One FAQ per question: answers collapse to their thread.
 * Measures; asserts nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isStopword, stemAll, words } from '../../edge/text';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { LocalReranker } from '../../edge/providers/rerank/local';
import { retrieve } from '../../edge/pipeline/retrieve';
import { openEmbeddedStores } from '../../edge/runtime/node/stores';
import { formatTable, type Row } from './table';

const DIR = fileURLToPath(new URL('../../../shared/eval/stackfaq-dev/', import.meta.url));
if (!existsSync(DIR)) {
  console.error(`no eval data at ${DIR} (it sits beside the project, in ../shared/eval)`);
  process.exit(2);
}
const jsonl = <T>(f: string): T[] => readFileSync(DIR + f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const corpus = jsonl<{ _id: string; title: string; text: string }>('corpus.jsonl');
const queries = jsonl<{ _id: string; text: string }>('queries.jsonl');
const relevant = new Map<string, Set<string>>();
for (const line of readFileSync(DIR + 'qrels.tsv', 'utf8').trim().split('\n').slice(1)) {
  const [q, d] = line.split('\t');
  relevant.set(q, (relevant.get(q) ?? new Set()).add(d.split('-')[0]));
}
const thread = (id: string) => id.split('-')[0];

/** Okapi BM25 (k1 1.2, b 0.75) over stemmed words without stop words: the usual baseline. */
function bm25Index(docs: string[]) {
  const terms = (t: string) => stemAll(words(t.toLowerCase()).filter((w) => !isStopword(w)));
  const tfs = docs.map((d) => {
    const tf = new Map<string, number>();
    for (const w of terms(d)) tf.set(w, (tf.get(w) ?? 0) + 1);
    return tf;
  });
  const lens = tfs.map((tf) => [...tf.values()].reduce((a, b) => a + b, 0));
  const avg = lens.reduce((a, b) => a + b, 0) / lens.length;
  const df = new Map<string, number>();
  for (const tf of tfs) for (const w of tf.keys()) df.set(w, (df.get(w) ?? 0) + 1);
  return (query: string, k: number): number[] => {
    const q = [...new Set(terms(query))];
    const scores = tfs.map((tf, i) =>
      q.reduce((s, w) => {
        const f = tf.get(w);
        if (!f) return s;
        const idf = Math.log(1 + (docs.length - df.get(w)! + 0.5) / (df.get(w)! + 0.5));
        return s + (idf * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * lens[i]) / avg));
      }, 0),
    );
    return [...scores.keys()].filter((i) => scores[i] > 0).sort((a, b) => scores[b] - scores[a]).slice(0, k);
  };
}

interface Metrics {
  r1: number;
  r5: number;
  r10: number;
  mrr: number;
  ndcg: number;
}

/** Collapses a ranking of answers to distinct threads, then scores it against the relevant ones. */
function score(rankedThreads: string[], rel: Set<string>): Metrics {
  const seen: string[] = [];
  for (const t of rankedThreads) if (!seen.includes(t)) seen.push(t);
  const top = seen.slice(0, 10);
  const first = top.findIndex((t) => rel.has(t));
  const dcg = top.reduce((s, t, i) => s + (rel.has(t) ? 1 / Math.log2(i + 2) : 0), 0);
  const ideal = [...Array(Math.min(rel.size, 10)).keys()].reduce((s, i) => s + 1 / Math.log2(i + 2), 0);
  const hit = (k: number) => (first >= 0 && first < k ? 1 : 0);
  return { r1: hit(1), r5: hit(5), r10: hit(10), mrr: first >= 0 ? 1 / (first + 1) : 0, ndcg: dcg / ideal };
}

const stores = await openEmbeddedStores({ dataDir: null });
const embedder = new LocalEmbedder();
const reranker = new LocalReranker();
await stores.vectors.ensure({ model: embedder.model, dimensions: embedder.dimensions });
await stores.db.sites.upsert({ id: 'eval', name: 'eval', allowedOrigins: [] });
const chunkThread = new Map<string, string>();
const texts = corpus.map((c) => `${c.title}\n${c.text}`);
const vectors = await embedder.embed(texts, 'document');
for (const [i, c] of corpus.entries()) {
  const [chunk] = await stores.db.documents.replace(
    { id: `d-${c._id}`, siteId: 'eval', source: c._id, kind: 'faq', title: c.title, url: null, hash: c._id },
    [{ kind: 'faq', ord: 0, title: c.title, url: null, content: c.text, tokens: 0 }],
  );
  chunkThread.set(chunk.id, thread(c._id));
  await stores.vectors.upsert([{ chunkId: chunk.id, siteId: 'eval', documentId: chunk.documentId, kind: 'faq', vector: vectors[i] }]);
}

const bm25 = bm25Index(texts);
const systems: Record<string, Metrics[]> = { 'BM25 (baseline)': [], 'hybrid: pgvector + full text, RRF': [], 'hybrid + local rerank (the product)': [] };
for (const q of queries) {
  const rel = relevant.get(q._id);
  if (!rel) continue;
  systems['BM25 (baseline)'].push(score(bm25(q.text, 30).map((i) => thread(corpus[i]._id)), rel));
  const found = await retrieve({ ...stores, embedder }, 'eval', q.text, 30);
  systems['hybrid: pgvector + full text, RRF'].push(score(found.map((c) => chunkThread.get(c.chunk.id)!), rel));
  const reranked = await reranker.rerank(q.text, found.map((c) => ({ id: c.chunk.id, title: c.chunk.title, text: c.chunk.content })), 30);
  systems['hybrid + local rerank (the product)'].push(score(reranked.map((r) => chunkThread.get(r.id)!), rel));
}
await stores.close();

const mean = (ms: Metrics[], k: keyof Metrics) => ms.reduce((s, m) => s + m[k], 0) / ms.length;
const base = systems['BM25 (baseline)'];
const rows: Row[] = Object.entries(systems).flatMap(([name, ms]) =>
  (['r1', 'r5', 'r10', 'mrr', 'ndcg'] as const).map((k) => ({
    figure: `${name}: ${{ r1: 'Recall@1', r5: 'Recall@5', r10: 'Recall@10', mrr: 'MRR@10', ndcg: 'nDCG@10' }[k]}`,
    value: mean(ms, k).toFixed(3),
    baseline: mean(base, k).toFixed(3),
    baselineName: 'BM25, same corpus, same run',
    ratio: mean(ms, k) / mean(base, k),
  })),
);
console.log(`StackFAQ dev: ${corpus.length} answers, ${base.length} queries with judgements`);
console.log(formatTable(rows));
