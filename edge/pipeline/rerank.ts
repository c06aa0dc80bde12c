import type { ChunkRow, Reranker } from '../core/ports';
import type { Candidate } from './retrieve';

export interface Ranked {
  chunk: ChunkRow;
  /** The reranker's 0..1 relevance. */
  score: number;
  /** Both the vector and the full-text side found it: agreement that confidence counts. */
  inBoth: boolean;
}

/** The best `topN` candidates by the reranker's relevance to what the visitor meant. */
export async function rerank(reranker: Reranker, meant: string, candidates: Candidate[], topN: number): Promise<Ranked[]> {
  const reranked = await reranker.rerank(
    meant,
    candidates.map((c) => ({ id: c.chunk.id, title: c.chunk.title, text: c.chunk.content, ...(c.vectorScore !== null ? { vector: c.vectorScore } : {}) })),
    topN,
  );
  const byId = new Map(candidates.map((c) => [c.chunk.id, c]));
  return reranked.flatMap((r) => {
    const c = byId.get(r.id);
    return c ? [{ chunk: c.chunk, score: r.score, inBoth: c.vectorScore !== null && c.textRank !== null }] : [];
  });
}
