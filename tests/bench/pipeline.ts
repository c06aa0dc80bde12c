import type { Deps } from '../../edge/core/deps';
import { randomId } from '../../edge/core/ids';
import type { Db, Embedder } from '../../edge/core/ports';
import { silentLogger } from '../../edge/ops/logger';
import { prepareAnswer } from '../../edge/pipeline';
import { builtInIntents } from '../../edge/pipeline/intent/built-in';
import { LocalReranker } from '../../edge/providers/rerank/local';
import type { PgVectorStore } from '../../edge/stores/vectors/pgvector';
import { MemorySessionStore } from '../../edge/stores/memory/session-store';
import { generateQueries, type BenchDoc } from './corpus';
import { pct, percentiles, type Row } from './table';

const QUERIES = 300;

/** Pipeline without the answerer, and retrieval against exact brute-force search over the same vectors. */
export async function benchPipeline(stores: { db: Db; vectors: PgVectorStore; pg: { query(sql: string): Promise<{ rows: unknown[] }> } }, embedder: Embedder, docs: BenchDoc[], n: number): Promise<Row[]> {
  const clock = { now: () => performance.now() };
  const deps: Deps = {
    settings: { topK: 20, rerankTopN: 4, maxContextTokens: 1500, cacheTtlSeconds: 0, maxQuestionChars: 1000, rateLimitPerMinute: 1e9, answerTimeoutMs: 60_000, turnLeaseMs: 10_000 },
    db: stores.db,
    vectors: stores.vectors,
    embedder,
    reranker: new LocalReranker({ embeddingModel: embedder.model }),
    llm: { name: 'none', stream: async function* () {} },
    intents: builtInIntents(),
    sessions: new MemorySessionStore({ clock }),
    log: silentLogger,
    clock,
    newId: randomId,
  };
  const queries = generateQueries(docs, QUERIES);
  for (const q of queries.slice(0, 20)) await prepareAnswer(deps, { siteId: 'bench', text: q }); // warm-up

  const pipeline: number[] = [];
  const stages: Record<string, number[]> = {};
  for (const q of queries) {
    const t = performance.now();
    const prepared = await prepareAnswer(deps, { siteId: 'bench', text: q });
    pipeline.push(performance.now() - t);
    for (const [stage, ms] of Object.entries(prepared.timings)) (stages[stage] ??= []).push(ms);
  }

  // The same vectors in one Float32Array: exact cosine top-k is the baseline for the index.
  const rows = (await stores.pg.query('SELECT chunk_id, embedding::text AS e FROM chunk_vectors')).rows as { chunk_id: string; e: string }[];
  const dims = embedder.dimensions;
  const matrix = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => matrix.set(JSON.parse(r.e), i * dims));
  const ids = rows.map((r) => r.chunk_id);
  const exact = (v: Float32Array, k: number) => {
    const scores = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      let s = 0;
      const off = i * dims;
      for (let j = 0; j < dims; j++) s += matrix[off + j] * v[j];
      scores[i] = s;
    }
    return [...scores.keys()].sort((a, b) => scores[b] - scores[a]).slice(0, k).map((i) => ids[i]);
  };

  const index: number[] = [];
  const brute: number[] = [];
  const fts: number[] = [];
  let recall = 0;
  for (const q of queries) {
    const [v] = await embedder.embed([q], 'query');
    let t = performance.now();
    const hits = await stores.vectors.search('bench', v, 10);
    index.push(performance.now() - t);
    t = performance.now();
    const truth = exact(v, 10);
    brute.push(performance.now() - t);
    t = performance.now();
    await stores.db.chunks.textSearch('bench', q, 20);
    fts.push(performance.now() - t);
    const got = new Set(hits.map((h) => h.chunkId));
    recall += truth.filter((id) => got.has(id)).length / truth.length;
  }
  const p = percentiles(pipeline);
  const pi = percentiles(index);
  const pb = percentiles(brute);
  return [
    { figure: `pipeline w/o answerer, ${n} chunks (p50/p95/p99)`, value: pct(p), baseline: pct(pb), baselineName: 'exact brute-force top-10 alone', ratio: p.p50 / pb.p50 },
    // Where the pipeline's time goes, stage by stage, against the same baseline.
    {
      figure: `pipeline stages p50 (ms), ${n} chunks`,
      value: Object.entries(stages).map(([stage, ms]) => `${stage} ${percentiles(ms).p50.toFixed(2)}`).join(', '),
      baseline: pct(pb),
      baselineName: 'exact brute-force top-10 alone',
      ratio: null,
    },
    { figure: `vector search (exact int8 scan in memory, re-scored by pgvector), ${n} chunks (p50/p95/p99)`, value: pct(pi), baseline: pct(pb), baselineName: 'exact brute-force top-10', ratio: pi.p50 / pb.p50 },
    { figure: `full-text search, ${n} chunks (p50/p95/p99)`, value: pct(percentiles(fts)), baseline: pct(pb), baselineName: 'exact brute-force top-10', ratio: percentiles(fts).p50 / pb.p50 },
    { figure: `vector recall@10 vs exact, ${n} chunks`, value: (recall / queries.length).toFixed(3), baseline: '1.000', baselineName: 'exact brute-force top-10', ratio: recall / queries.length },
  ];
}
