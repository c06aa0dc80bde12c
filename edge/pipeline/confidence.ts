/**
 * How sure the answer is, 0..1, shown to the visitor and used to offer a person. Built on the
 * reranker's top relevance (comparable across queries by design), nudged by agreement between
 * the two retrievers and by how clearly the best passage stands out.
 */

/** Below this the answer offers to connect a person. */
export const LOW_CONFIDENCE = 0.35;

export interface ConfidenceInput {
  /** Rerank relevance (0..1) of the candidates, any order. */
  rerankScores: number[];
  /** Best cosine similarity from the vector search, if it ran. */
  vectorTop?: number;
  /** How many of the final sources both the vector and the full-text search found. */
  inBoth: number;
  /** How many sources the answer was given. */
  sources: number;
}

// Cosine is only loosely comparable across embedding models, so it supports rather than
// decides: below 0.15 it adds nothing, from 0.6 it adds fully.
const VECTOR_FLOOR = 0.15;
const VECTOR_SPAN = 0.45;

export function confidence(input: ConfidenceInput): number {
  if (input.sources <= 0 || input.rerankScores.length === 0) return 0;
  const sorted = input.rerankScores.map(clamp01).sort((a, b) => b - a);
  const top = sorted[0];
  const margin = top - (sorted[1] ?? 0);
  const agreement = clamp01(input.inBoth / input.sources);
  const vector = input.vectorTop === undefined ? agreement : clamp01((input.vectorTop - VECTOR_FLOOR) / VECTOR_SPAN);
  const support = 0.6 * agreement + 0.4 * vector;
  // The relevance sets the ceiling; weak support takes off up to 30%. A clear winner adds a
  // little of what is left, so the sum stays within 0..1 and rises with every input.
  const value = top * (0.7 + 0.3 * support) + 0.15 * margin * (1 - top);
  return Math.round(clamp01(value) * 1000) / 1000;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
