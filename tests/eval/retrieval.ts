/**
 * `eval retrieval`: the product's ranking beside its halves and BM25, per query collapsed to
 * the unit judged, scored R@1/5/10, MRR@10 and nDCG@10 with each system's latency.
 */
import type { BeirSet } from './beir';
import { collapseQrels, collapseRanking, latency, meanMetrics, scoreQuery, type Collapse, type QueryMetrics } from './metrics';
import { bm25Ranker, productRanker, textRanker, vectorRanker, type Ranker, type Ranking } from './rank';
import type { EvalSite } from './site';

export interface RetrievalRow {
  system: string;
  metrics: QueryMetrics;
  latency: { p50: number; p95: number };
}

export interface RetrievalReport {
  command: 'retrieval';
  queries: number;
  rows: RetrievalRow[];
}

export const SYSTEMS = {
  product: 'product: hybrid + rerank',
  fused: 'hybrid (fused, before rerank)',
  vector: 'vector only',
  text: 'full text only',
  bm25: 'BM25 (baseline)',
} as const;

export async function evalRetrieval(
  set: BeirSet,
  site: EvalSite,
  collapse: Collapse,
  opts: { queries: BeirSet['queries']; halves?: boolean; progress?: (done: number, total: number) => void },
): Promise<RetrievalReport> {
  const judged = collapseQrels(set.qrels, collapse);
  const queries = opts.queries.filter((q) => judged.has(q.id));
  const product = productRanker(site);
  const others: [string, Ranker][] = [];
  if (opts.halves !== false) others.push([SYSTEMS.vector, vectorRanker(site)], [SYSTEMS.text, textRanker(site)]);
  others.push([SYSTEMS.bm25, bm25Ranker(set.corpus)]);
  const scores = new Map<string, { m: QueryMetrics[]; ms: number[] }>(
    [SYSTEMS.product, SYSTEMS.fused, ...others.map(([n]) => n)].map((n) => [n, { m: [], ms: [] }]),
  );
  const add = (system: string, r: Ranking, rel: Map<string, number>) => {
    const s = scores.get(system)!;
    s.m.push(scoreQuery(collapseRanking(r.ids, collapse), rel));
    s.ms.push(r.ms);
  };
  // One query first, not timed: the first call pays for JIT compilation and lazy loads.
  if (queries[0]) {
    await product(queries[0].text);
    for (const [, rank] of others) await rank(queries[0].text);
  }
  for (const [i, q] of queries.entries()) {
    const rel = judged.get(q.id)!;
    const p = await product(q.text);
    add(SYSTEMS.product, p, rel);
    add(SYSTEMS.fused, p.fused, rel);
    for (const [name, rank] of others) add(name, await rank(q.text), rel);
    opts.progress?.(i + 1, queries.length);
  }
  return {
    command: 'retrieval',
    queries: queries.length,
    rows: [...scores].map(([system, s]) => ({ system, metrics: meanMetrics(s.m), latency: latency(s.ms) })),
  };
}
