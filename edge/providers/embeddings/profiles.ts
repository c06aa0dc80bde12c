/**
 * What an embedder's vectors are worth beside full text, by model name: how much the vector
 * list weighs in fusion and how the local reranker reads a cosine. Measured on StackFAQ's dev
 * half (by thread) and the demo shop's questions; the figures are in the README ("Retrieval").
 */
import { LOCAL_EMBEDDING_MODEL } from './local';
import { isMiniLm } from './models';

export interface FusionWeights {
  /** Reciprocal-rank constant: smaller lets a list's first ranks count more than its tail. */
  k: number;
  vector: number;
  text: number;
}

/** How the local reranker blends a candidate's cosine into its lexical relevance. */
export interface VectorBlend {
  /** Logit added when the cosine reaches `high`, scaled linearly from `low` (0 below it). */
  weight: number;
  low: number;
  high: number;
  /** The lexical features' logit is scaled by this, so the two halves share the 0..1 range. */
  lexicalScale: number;
}

export interface EmbeddingProfile {
  fusion: FusionWeights;
  /** null: the reranker stays lexical (a model whose cosines were not measured). */
  blend: VectorBlend | null;
  /**
   * Whether a site's intent model trains a head on these vectors. Sentence models carry
   * meaning the n-grams miss; hashed vectors are n-grams again.
   */
  intentHead: boolean;
}

/** Cormack et al.'s equal-weight RRF: the safe choice for a list of unmeasured quality. */
const EQUAL: FusionWeights = { k: 60, vector: 1, text: 1 };

export function embeddingProfile(model: string | undefined): EmbeddingProfile {
  // MiniLM alone beats BM25 by ~0.19 R@1; equal-weight RRF k=60 pulled it down to 0.911.
  // k=10 and 3:1 keep its order (0.944) while an exact full-text hit still lifts a dense one.
  if (model && isMiniLm(model)) return { fusion: { k: 10, vector: 3, text: 1 }, blend: { weight: 6, low: 0.2, high: 0.8, lexicalScale: 0.5 }, intentHead: true };
  // Hashed features are lexical too: fusing them evenly is best (0.755 vs 0.710 alone), and
  // their cosine still helps the reranker (0.779 → 0.798 R@1) and separates off-topic questions.
  if (model === LOCAL_EMBEDDING_MODEL) return { fusion: EQUAL, blend: { weight: 5, low: 0.1, high: 0.6, lexicalScale: 0.7 }, intentHead: false };
  return { fusion: EQUAL, blend: null, intentHead: true };
}
