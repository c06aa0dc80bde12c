import type { ChunkRow, Db, Embedder, VectorStore } from '../core/ports';

export interface Candidate {
  chunk: ChunkRow;
  /** Reciprocal-rank fusion of the two lists. */
  fused: number;
  /** Cosine similarity when the vector search found it. */
  vectorScore: number | null;
  /** 1-based rank in the full-text list when it found it. */
  textRank: number | null;
}

/** The constant from Cormack et al. (2009): damps the head of each list so neither dominates. */
const RRF_K = 60;

/**
 * Hybrid retrieval: vector similarity catches paraphrases, full text catches exact names,
 * SKUs and rare words; reciprocal-rank fusion needs no score calibration between the two.
 */
export async function retrieve(
  deps: { db: Db; vectors: VectorStore; embedder: Embedder },
  siteId: string,
  query: string,
  k: number,
): Promise<Candidate[]> {
  const [vector] = await deps.embedder.embed([query], 'query');
  const [vectorHits, textHits] = await Promise.all([
    deps.vectors.search(siteId, vector, k),
    deps.db.chunks.textSearch(siteId, query, k),
  ]);
  const fused = fuse(
    vectorHits.map((h) => h.chunkId),
    textHits.map((h) => h.chunkId),
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
  return out;
}

/** Reciprocal-rank fusion of ranked id lists, best first. */
export function fuse(...lists: string[][]): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + i + 1)));
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
