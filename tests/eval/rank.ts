/**
 * The rankings compared: the product's (retrieve, then the configured reranker, as
 * edge/pipeline/index.ts does), its two halves alone, and BM25 over the same corpus.
 */
import type { Embedder } from '../../edge/core/ports';
import { preprocess } from '../../edge/pipeline/preprocess';
import { retrieve } from '../../edge/pipeline/retrieve';
import { bm25Index } from './bm25';
import type { CorpusDoc } from './beir';
import type { EvalSite } from './site';
import { EVAL_SITE } from './site';

export interface Ranking {
  /** Corpus ids, best first (a document split into chunks appears once, where it ranked best). */
  ids: string[];
  ms: number;
}

export interface ProductRanking extends Ranking {
  /** Fused order before reranking, and its time. */
  fused: Ranking;
}

export type Ranker = (query: string) => Promise<Ranking>;

/** Depth of the other rankings: @10 needs ten distinct groups, so they return more documents. */
export const DEPTH = 30;

/**
 * With `reuseQueryVectors`, a question the product just answered (site.track) is not embedded
 * again: its ranking takes the vector the pipeline computed (so its time leaves that out).
 */
export function productRanker(site: EvalSite, opts: { reuseQueryVectors?: boolean } = {}): (query: string) => Promise<ProductRanking> {
  const { deps } = site;
  const embedder: Embedder = {
    model: deps.embedder.model,
    dimensions: deps.embedder.dimensions,
    embed: async (texts, purpose) => {
      const known = opts.reuseQueryVectors && purpose === 'query' && texts.length === 1 ? site.queryVector(texts[0]) : undefined;
      return known ? [known] : deps.embedder.embed(texts, purpose);
    },
  };
  const searchDeps = opts.reuseQueryVectors ? { ...deps, embedder } : deps;
  return async (raw) => {
    const start = performance.now();
    // The question as the pipeline searches it (normalised, capped), RAG_TOP_K candidates as it asks.
    const query = preprocess(raw, deps.settings.maxQuestionChars).text;
    const candidates = await retrieve(searchDeps, EVAL_SITE, query, deps.settings.topK);
    const fusedMs = performance.now() - start;
    // The whole candidate list is reranked so the order below the answerer's top N can be scored too.
    const reranked = await deps.reranker.rerank(
      query,
      candidates.map((c) => ({ id: c.chunk.id, title: c.chunk.title, text: c.chunk.content, ...(c.vectorScore !== null ? { vector: c.vectorScore } : {}) })),
      candidates.length,
    );
    const ms = performance.now() - start;
    const byChunk = new Map(candidates.map((c) => [c.chunk.id, c.chunk]));
    const toIds = (chunkIds: string[]) => distinct(chunkIds.map((id) => site.corpusIdOf(byChunk.get(id)!) ?? `?${id}`));
    const fusedIds = toIds(candidates.map((c) => c.chunk.id));
    return {
      ids: toIds(reranked.map((r) => r.id).filter((id) => byChunk.has(id))),
      ms,
      fused: { ids: fusedIds, ms: fusedMs },
    };
  };
}

/** The vector side alone: the query embedded by the configured embedder, nearest chunks. */
export function vectorRanker(site: EvalSite): Ranker {
  const { deps } = site;
  return async (query) => {
    const start = performance.now();
    const [vector] = await deps.embedder.embed([query], 'query');
    const hits = await deps.vectors.search(EVAL_SITE, vector, DEPTH);
    const ms = performance.now() - start;
    return { ids: await chunksToIds(site, hits.map((h) => h.chunkId)), ms };
  };
}

/** The product's full-text side alone (Postgres full text in the embedded database). */
export function textRanker(site: EvalSite): Ranker {
  const { deps } = site;
  return async (query) => {
    const start = performance.now();
    const hits = await deps.db.chunks.textSearch(EVAL_SITE, query, DEPTH);
    const ms = performance.now() - start;
    return { ids: await chunksToIds(site, hits.map((h) => h.chunkId)), ms };
  };
}

/** BM25 over the corpus as ingested (title and text), outside the product. */
export function bm25Ranker(corpus: CorpusDoc[]): Ranker {
  const index = bm25Index(corpus.map((d) => `${d.title}\n${d.text}`));
  return async (query) => {
    const start = performance.now();
    const ids = index.search(query, DEPTH).map((i) => corpus[i].id);
    return { ids, ms: performance.now() - start };
  };
}

async function chunksToIds(site: EvalSite, chunkIds: string[]): Promise<string[]> {
  const rows = await site.deps.db.chunks.get(chunkIds);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return distinct(chunkIds.flatMap((id) => {
    const row = byId.get(id);
    return row ? [site.corpusIdOf(row) ?? `?${id}`] : [];
  }));
}

function distinct(ids: string[]): string[] {
  return [...new Set(ids)];
}
