/**
 * Stored vectors kept in memory for re-scoring the memory index's candidates, so a question
 * about what was asked before costs no query. The scores are pgvector's own, bit for bit:
 * `cosineDistance` does what its `<=>` does (float32 sums in order, then double), and
 * double-then-float rounding of a float32 sum or product equals float32 arithmetic.
 */
import { BoundedMap } from '../../core/bounded-map';

/** pgvector's `a <=> b`: 1 − cosine similarity, NaN when either vector is all zeros. */
export function cosineDistance(a: Float32Array, b: Float32Array): number {
  return normedDistance(a, b, squaredNorm(a), squaredNorm(b));
}

/** A vector's sum of squares as pgvector sums it (float32, in order). */
export function squaredNorm(v: Float32Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) n = Math.fround(n + Math.fround(v[i] * v[i]));
  return n;
}

// Kept vectors are re-scored question after question: each one's norm is summed once.
const norms = new WeakMap<Float32Array, number>();

/** `squaredNorm` of a vector that does not change (a kept one), remembered with it. */
export function keptNorm(v: Float32Array): number {
  let n = norms.get(v);
  if (n === undefined) norms.set(v, (n = squaredNorm(v)));
  return n;
}

/** `cosineDistance` with both norms given: the same sums, so the same result to the bit. */
export function normedDistance(a: Float32Array, b: Float32Array, na: number, nb: number): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot = Math.fround(dot + Math.fround(a[i] * b[i]));
  const similarity = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb)));
  return 1 - similarity;
}

/** Memory for the vectors: every candidate of a busy site's usual questions, a few MB. */
const BUDGET_BYTES = 32 * 2 ** 20;

/**
 * Vectors by chunk id, bounded by bytes, and forgotten on any write to the index. `version`
 * moves with every write: vectors read while one ran may be older than it, and are used for
 * that search but not kept.
 */
export class ExactVectors {
  private readonly vectors = new BoundedMap<string, Float32Array>(BUDGET_BYTES, (v) => v.byteLength);
  version = 0;

  get(chunkId: string): Float32Array | undefined {
    return this.vectors.get(chunkId);
  }

  keep(chunkId: string, vector: Float32Array, readAt: number): void {
    if (readAt === this.version) this.vectors.set(chunkId, vector);
  }

  /** The index changed: nothing kept may be trusted. */
  changed(): void {
    this.version++;
    this.vectors.clear();
  }
}
