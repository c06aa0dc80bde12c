/**
 * Stored vectors kept in memory for re-scoring the memory index's candidates, so a question
 * about what was asked before costs no query. The scores are pgvector's own, bit for bit:
 * `cosineDistance` does what its `<=>` does (float32 sums in order, then double), and
 * double-then-float rounding of a float32 sum or product equals float32 arithmetic.
 */
import { BoundedMap } from '../../core/bounded-map';

/** pgvector's `a <=> b`: 1 − cosine similarity, NaN when either vector is all zeros. */
export function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot = Math.fround(dot + Math.fround(a[i] * b[i]));
    na = Math.fround(na + Math.fround(a[i] * a[i]));
    nb = Math.fround(nb + Math.fround(b[i] * b[i]));
  }
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
