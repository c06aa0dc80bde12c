/**
 * Ranking metrics over one query, after collapsing documents to the unit being judged (a
 * StackFAQ thread: "one FAQ per question"). Graded qrels are gains; a group's gain is the
 * best of its documents'.
 */

/** Maps a corpus id to the unit scored: itself, or its group (thread). */
export type Collapse = (id: string) => string;

export const noCollapse: Collapse = (id) => id;

/** StackFAQ-style ids: `t012-a3` → `t012` (every answer of a thread is relevant to its queries). */
const AUTO = /^(.+)-a\d+$/;

/**
 * `auto`: collapse `<thread>-aK` ids to `<thread>` when every corpus id has that shape, else
 * none. `none`: no collapsing. Otherwise a regular expression: its first capture group (or,
 * without one, the matched text, e.g. `^t\d+` as a prefix) is the group; an id it does not
 * match stays itself.
 */
export function collapseFor(spec: string, corpusIds: Iterable<string>): { collapse: Collapse; describe: string } {
  if (spec === 'none') return { collapse: noCollapse, describe: 'none' };
  if (spec === 'auto') {
    const ids = [...corpusIds];
    if (ids.length > 0 && ids.every((id) => AUTO.test(id))) {
      return { collapse: (id) => AUTO.exec(id)?.[1] ?? id, describe: 'auto: <thread>-aK → <thread>' };
    }
    return { collapse: noCollapse, describe: 'auto: none (ids are not <thread>-aK)' };
  }
  let re: RegExp;
  try {
    re = new RegExp(spec);
  } catch (e) {
    throw new Error(`--collapse "${spec}" is not a regular expression: ${(e as Error).message}`);
  }
  return { collapse: (id) => regexGroup(re, id), describe: `regex ${spec}` };
}

function regexGroup(re: RegExp, id: string): string {
  const m = re.exec(id);
  if (!m) return id;
  return m[1] ?? m[0];
}

/** Relevance judgements per query, with ids already collapsed: group → gain (> 0). */
export type Judged = Map<string, number>;

export function collapseQrels(qrels: Map<string, Map<string, number>>, collapse: Collapse): Map<string, Judged> {
  const out = new Map<string, Judged>();
  for (const [q, docs] of qrels) {
    const judged: Judged = new Map();
    for (const [doc, gain] of docs) {
      if (gain <= 0) continue;
      const g = collapse(doc);
      judged.set(g, Math.max(judged.get(g) ?? 0, gain));
    }
    if (judged.size) out.set(q, judged);
  }
  return out;
}

/** Distinct groups in rank order: a thread counts once, where its best answer ranked. */
export function collapseRanking(ranked: string[], collapse: Collapse): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ranked) {
    const g = collapse(id);
    if (seen.has(g)) continue;
    seen.add(g);
    out.push(g);
  }
  return out;
}

export interface QueryMetrics {
  r1: number;
  r5: number;
  r10: number;
  mrr10: number;
  ndcg10: number;
}

export const METRIC_NAMES: Record<keyof QueryMetrics, string> = {
  r1: 'R@1',
  r5: 'R@5',
  r10: 'R@10',
  mrr10: 'MRR@10',
  ndcg10: 'nDCG@10',
};

/** Recall@k: the share of the relevant groups found in the top k (with one relevant group, a hit). */
export function recallAt(ranked: string[], rel: Judged, k: number): number {
  if (rel.size === 0) return 0;
  return ranked.slice(0, k).filter((g) => rel.has(g)).length / rel.size;
}

/** Reciprocal rank of the first relevant group in the top k; 0 when none is there. */
export function mrrAt(ranked: string[], rel: Judged, k: number): number {
  const i = ranked.slice(0, k).findIndex((g) => rel.has(g));
  return i < 0 ? 0 : 1 / (i + 1);
}

/** nDCG@k with linear gains (the qrels score), log2 discount, ideal from the judged gains. */
export function ndcgAt(ranked: string[], rel: Judged, k: number): number {
  const dcg = ranked.slice(0, k).reduce((s, g, i) => s + (rel.get(g) ?? 0) / Math.log2(i + 2), 0);
  const ideal = [...rel.values()]
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((s, gain, i) => s + gain / Math.log2(i + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Every metric for one query; `ranked` is already collapsed (see collapseRanking). */
export function scoreQuery(ranked: string[], rel: Judged): QueryMetrics {
  return {
    r1: recallAt(ranked, rel, 1),
    r5: recallAt(ranked, rel, 5),
    r10: recallAt(ranked, rel, 10),
    mrr10: mrrAt(ranked, rel, 10),
    ndcg10: ndcgAt(ranked, rel, 10),
  };
}

export function meanMetrics(all: QueryMetrics[]): QueryMetrics {
  const mean = (k: keyof QueryMetrics) => (all.length ? all.reduce((s, m) => s + m[k], 0) / all.length : 0);
  return { r1: mean('r1'), r5: mean('r5'), r10: mean('r10'), mrr10: mean('mrr10'), ndcg10: mean('ndcg10') };
}

/** Nearest-rank percentiles (the bench's convention); NaN for no samples. */
export function latency(samples: number[]): { p50: number; p95: number } {
  if (!samples.length) return { p50: NaN, p95: NaN };
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { p50: at(0.5), p95: at(0.95) };
}
