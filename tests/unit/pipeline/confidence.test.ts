import { describe, expect, it } from 'vitest';
import { confidence, LOW_CONFIDENCE, type ConfidenceInput } from '../../../edge/pipeline/confidence';

const base: ConfidenceInput = { rerankScores: [0.8, 0.4, 0.2], vectorTop: 0.45, inBoth: 1, sources: 3 };
const grid = [0, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1];

describe('confidence', () => {
  it('stays within 0..1 for any input', () => {
    for (const a of grid)
      for (const b of grid)
        for (const v of [undefined, -1, 0, 0.3, 0.9, 2])
          for (const inBoth of [0, 1, 2, 5]) {
            const c = confidence({ rerankScores: [a, b], vectorTop: v, inBoth, sources: 2 });
            expect(c).toBeGreaterThanOrEqual(0);
            expect(c).toBeLessThanOrEqual(1);
          }
    expect(confidence({ ...base, rerankScores: [NaN, 2] })).toBeLessThanOrEqual(1);
  });

  it('rises with the top rerank score', () => {
    for (const second of [0, 0.3])
      for (let i = 1; i < grid.length; i++) {
        if (grid[i] < second) continue;
        const lo = confidence({ ...base, rerankScores: [Math.max(grid[i - 1], second), second] });
        const hi = confidence({ ...base, rerankScores: [grid[i], second] });
        expect(hi).toBeGreaterThanOrEqual(lo);
      }
    expect(confidence({ ...base, rerankScores: [0.9] })).toBeGreaterThan(confidence({ ...base, rerankScores: [0.5] }));
  });

  it('rises with agreement between the two retrievers and with vector similarity', () => {
    let prev = -1;
    for (const inBoth of [0, 1, 2, 3]) {
      const c = confidence({ ...base, inBoth });
      expect(c).toBeGreaterThan(prev);
      prev = c;
    }
    prev = -1;
    for (const vectorTop of [0, 0.2, 0.3, 0.45, 0.6, 0.9]) {
      const c = confidence({ ...base, vectorTop });
      expect(c).toBeGreaterThanOrEqual(prev);
      prev = c;
    }
  });

  it('rises with the margin of the best passage over the next', () => {
    let prev = -1;
    for (const second of [0.8, 0.6, 0.4, 0.2, 0]) {
      const c = confidence({ ...base, rerankScores: [0.8, second] });
      expect(c).toBeGreaterThanOrEqual(prev);
      prev = c;
    }
    expect(confidence({ ...base, rerankScores: [0.8, 0] })).toBeGreaterThan(confidence({ ...base, rerankScores: [0.8, 0.8] }));
  });

  it('does not depend on the order the scores come in', () => {
    expect(confidence({ ...base, rerankScores: [0.2, 0.8, 0.4] })).toBe(confidence(base));
  });

  it('is high for a clearly relevant, agreed passage and low without relevance or sources', () => {
    expect(confidence({ rerankScores: [0.92, 0.3], vectorTop: 0.55, inBoth: 2, sources: 2 })).toBeGreaterThan(0.8);
    expect(confidence({ rerankScores: [0.15, 0.1], vectorTop: 0.2, inBoth: 0, sources: 2 })).toBeLessThan(LOW_CONFIDENCE);
    expect(confidence({ rerankScores: [0.9], inBoth: 1, sources: 0 })).toBe(0);
    expect(confidence({ rerankScores: [], inBoth: 0, sources: 1 })).toBe(0);
    expect(LOW_CONFIDENCE).toBe(0.35);
  });
});
