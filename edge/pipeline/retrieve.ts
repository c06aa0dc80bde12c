import type { ChunkRow, Db, Embedder, Logger, VectorHit, VectorStore } from '../core/ports';
import { embeddingProfile, type FusionWeights } from '../providers/embeddings/profiles';
import { QueryVector } from './query-vector';

export interface Candidate {
  chunk: ChunkRow;
  /** Weighted reciprocal-rank fusion of the two lists. */
  fused: number;
  /** Cosine similarity when the vector search found it. */
  vectorScore: number | null;
  /** 1-based rank in the full-text list when it found it. */
  textRank: number | null;
}

/** What retrieval noticed on the way, for the answer's usage record and logs. */
export interface RetrieveReport {
  /** Tokens the query embedding was billed, when the embedder meters them. */
  embedding?: { model: string; tokens: number };
  /** Why the vector side was left out, when it was. */
  vectorSkipped?: string;
}

/** The constant from Cormack et al. (2009): damps the head of each list so neither dominates. */
const RRF_K = 60;

/**
 * Hybrid retrieval: vector similarity catches paraphrases, full text catches exact names,
 * SKUs and rare words; reciprocal-rank fusion needs no score calibration between the two.
 * The lists are weighted by the embedder's measured worth (see embeddings/profiles.ts): a
 * sentence model's order must not be dragged down to the full-text list's level.
 */
export async function retrieve(
  deps: { db: Db; vectors: VectorStore; embedder: Embedder; log?: Logger },
  siteId: string,
  query: string,
  k: number,
  report: RetrieveReport = {},
  /** The question's vector when it was already asked for (the intent stage): reused when it is of `query`. */
  asked?: QueryVector,
): Promise<Candidate[]> {
  const vector = asked && asked.text === query && asked.model === deps.embedder.model ? asked : new QueryVector(deps.embedder, query);
  const [vectorHits, textHits] = await Promise.all([
    searchVectors(deps, siteId, vector, k, report),
    deps.db.chunks.textSearch(siteId, query, k),
  ]);
  const w = fusionWeights(deps.embedder.model, query);
  const fused = fuseWeighted(
    [
      { ids: vectorHits.map((h) => h.chunkId), weight: w.vector },
      { ids: textHits.map((h) => h.chunkId), weight: w.text },
    ],
    w.k,
  ).slice(0, k);
  if (fused.length === 0) return [];
  const rows = await deps.db.chunks.get(fused.map((f) => f.id));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const vectorScore = new Map(vectorHits.map((h) => [h.chunkId, h.score]));
  const textRank = new Map(textHits.map((h, i) => [h.chunkId, i + 1]));
  const out: Candidate[] = [];
  for (const f of fused) {
    const chunk = byId.get(f.id);
    // A chunk deleted between the search and the fetch (a concurrent re-ingest) is just skipped.
    if (!chunk) continue;
    out.push({ chunk, fused: f.score, vectorScore: vectorScore.get(f.id) ?? null, textRank: textRank.get(f.id) ?? null });
  }
  return exactCodesFirst(out, query);
}

/**
 * A question naming a code ("JP-STV-01") wants what carries that code. Full text ranks every
 * chunk sharing a part of it ("JP-10421" shares "jp") alike, so one the vector side also likes
 * could pass the exact match: chunks holding the whole code rise above the rest.
 */
function exactCodesFirst(candidates: Candidate[], query: string): Candidate[] {
  const codes = [...query.matchAll(new RegExp(IDENTIFIER.source, 'gu'))].map((m) => m[0].toLowerCase()).filter((c) => c.length >= 4);
  if (codes.length === 0 || candidates.length === 0) return candidates;
  const lift = candidates[0].fused;
  return candidates
    .map((c) => (codes.some((code) => c.chunk.content.toLowerCase().includes(code)) ? { ...c, fused: c.fused + lift } : c))
    .sort((a, b) => b.fused - a.fused);
}

/**
 * The vector side, which may fail alone: the embedding service down, or an index another model
 * built (a query embedded by a different model would find nonsense neighbours). Full text
 * then answers by itself; the failure is logged with its stage.
 */
async function searchVectors(
  deps: { vectors: VectorStore; log?: Logger },
  siteId: string,
  query: QueryVector,
  k: number,
  report: RetrieveReport,
): Promise<VectorHit[]> {
  let stage = 'embed';
  try {
    // An index that refuses this model: do not pay for an embedding it would refuse.
    if (deps.vectors.unavailable) {
      stage = 'vectors';
      throw deps.vectors.unavailable;
    }
    const { vector, tokens } = await query.get();
    if (tokens !== undefined) report.embedding = { model: query.model, tokens };
    stage = 'vectors';
    return await deps.vectors.search(siteId, vector, k);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    report.vectorSkipped = `${stage}: ${error}`;
    deps.log?.warn('vector search skipped; answering from full text alone', { stage, site: siteId, error });
    return [];
  }
}

/**
 * A token with letters and digits ("JP-STV-01", "office365") or a long number (an order
 * number): sentence models embed such codes as noise, full text matches them exactly.
 */
const IDENTIFIER = /(?<![\p{L}\p{N}])(?=[\p{L}\p{N}-]*\p{N})(?=[\p{L}\p{N}-]*\p{L})[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*|(?<![\p{L}\p{N}])\p{N}{4,}(?![\p{L}\p{N}])/u;

/** The embedder's measured weights; a question naming a code leans on full text instead. */
export function fusionWeights(model: string, query: string): FusionWeights {
  const w = embeddingProfile(model).fusion;
  return IDENTIFIER.test(query) ? { ...w, text: Math.max(w.text, 2 * w.vector) } : w;
}

/** Reciprocal-rank fusion of ranked id lists, equal weights, best first. */
export function fuse(...lists: string[][]): { id: string; score: number }[] {
  return fuseWeighted(lists.map((ids) => ({ ids, weight: 1 })), RRF_K);
}

/** Weighted RRF: each list adds weight / (k + rank); ties keep the first list's order. */
export function fuseWeighted(lists: { ids: string[]; weight: number }[], k: FusionWeights['k']): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const { ids, weight } of lists) {
    ids.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + weight / (k + i + 1)));
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
