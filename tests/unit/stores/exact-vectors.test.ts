/**
 * Re-scoring from kept vectors (exact-vectors.ts) must give pgvector's own scores, bit for bit:
 * the answers' confidence and order come from them, whether a candidate was read now or kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { cosineDistance, ExactVectors, keptNorm, normedDistance, squaredNorm } from '../../../edge/stores/vectors/exact-vectors';
import { toVectorLiteral } from '../../../edge/stores/vectors/pgvector';

let pg: PGlite;
beforeAll(async () => {
  pg = await PGlite.create({ extensions: { vector } });
  await pg.exec('CREATE EXTENSION IF NOT EXISTS vector');
});
afterAll(() => pg.close());

/** Deterministic vectors of varied scale and sparsity, as embedders give (hashed ones are sparse). */
function vectors(n: number, dims: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, (_, i) => {
    const scale = [1, 1e-3, 37.5, 0.1][i % 4];
    return Float32Array.from({ length: dims }, () => (i % 3 === 0 && rnd() < 0.6 ? 0 : rnd() * scale));
  });
}

describe('cosineDistance', () => {
  it('equals pgvector\'s <=> exactly, at 24, 384 and 1536 dimensions, zero vectors included', async () => {
    for (const dims of [24, 384, 1536]) {
      const vs = vectors(24, dims, dims);
      vs.push(new Float32Array(dims));
      const pairs = vs.flatMap((a, i) => vs.slice(i).map((b) => [a, b] as const));
      const { rows } = await pg.query<{ d: number | string }>(
        `select (a::vector <=> b::vector)::float8 as d from unnest($1::text[], $2::text[]) as t(a, b)`,
        [pairs.map(([a]) => toVectorLiteral(a)), pairs.map(([, b]) => toVectorLiteral(b))],
      );
      const theirs = rows.map((r) => Number(r.d));
      const ours = pairs.map(([a, b]) => cosineDistance(a, b));
      expect(ours).toEqual(theirs);
      // With the norms summed once (a query's per search, a kept vector's once): the same.
      expect(pairs.map(([a, b]) => normedDistance(a, b, squaredNorm(a), keptNorm(b)))).toEqual(theirs);
      expect(pairs.map(([a, b]) => normedDistance(a, b, squaredNorm(a), keptNorm(b)))).toEqual(theirs);
      // NaN exactly where either vector is all zeros (the appended one, and any the draw made so).
      const zero = (v: Float32Array) => v.every((x) => x === 0);
      expect(ours.map(Number.isNaN)).toEqual(pairs.map(([a, b]) => zero(a) || zero(b)));
      expect(ours.filter(Number.isNaN).length).toBeGreaterThanOrEqual(vs.length);
    }
  });
});

describe('ExactVectors', () => {
  it('keeps what was read since the last change only, and forgets everything on a change', () => {
    const kept = new ExactVectors();
    const v = new Float32Array([1, 2, 3]);
    const readAt = kept.version;
    kept.keep('a', v, readAt);
    expect(kept.get('a')).toBe(v);
    const racing = kept.version;
    kept.changed();
    expect(kept.get('a')).toBeUndefined();
    // Read before the change, arriving after it: not kept.
    kept.keep('b', v, racing);
    expect(kept.get('b')).toBeUndefined();
    kept.keep('c', v, kept.version);
    expect(kept.get('c')).toBe(v);
  });
});
