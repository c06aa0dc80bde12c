import { describe, expect, it } from 'vitest';
import { chooseThreshold, fitScope, fitTemperature, inScopeProbability, stratifiedHoldout } from '../../../edge/pipeline/intent/calibration';
import { fromBase64, packSorted, toBase64, unpackSorted } from '../../../edge/pipeline/intent/codec';

describe('intent calibration', () => {
  it('holds out a share of each label, keeps a row of each for training, and is seeded', () => {
    const labels = [...Array(20).fill('a'), ...Array(5).fill('b'), 'c', ...Array(10).fill('oos')];
    const split = stratifiedHoldout(labels, 0.1, 1, { oos: 0.5 });
    const held = split.held.map((i) => labels[i]);
    expect(held.filter((l) => l === 'a')).toHaveLength(2);
    expect(held.filter((l) => l === 'b')).toHaveLength(1);
    expect(held.filter((l) => l === 'c')).toHaveLength(0);
    expect(held.filter((l) => l === 'oos')).toHaveLength(5);
    expect([...split.train, ...split.held].sort((x, y) => x - y)).toEqual(labels.map((_, i) => i));
    expect(stratifiedHoldout(labels, 0.1, 1, { oos: 0.5 })).toEqual(split);
    expect(stratifiedHoldout(labels, 0.1, 2, { oos: 0.5 }).held).not.toEqual(split.held);
  });

  it('chooses the threshold that maximises expected accuracy at the given out-of-scope share', () => {
    const rows = [
      { score: 0.9, correct: true, outOfScope: false },
      { score: 0.8, correct: true, outOfScope: false },
      { score: 0.3, correct: true, outOfScope: false },
      { score: 0.2, correct: false, outOfScope: true },
      { score: 0.35, correct: false, outOfScope: true },
    ];
    // share 0.5: rejecting below 0.55 keeps 2 of 3 right (0.5 · 2/3) and catches both (0.5 · 1) = 0.83, the best.
    expect(chooseThreshold(rows, 0.5)).toBeCloseTo(0.575, 12);
    // share 0.1: losing the 0.3 row costs more than catching the 0.35 one gains: reject below 0.25 only.
    expect(chooseThreshold(rows, 0.1)).toBeCloseTo(0.25, 12);
    // No out-of-scope rows: reject only where the guess was wrong more often than right.
    expect(chooseThreshold([{ score: 0.9, correct: true, outOfScope: false }, { score: 0.2, correct: false, outOfScope: false }], 0.1)).toBeCloseTo(0.55, 12);
    expect(chooseThreshold([{ score: 0.9, correct: true, outOfScope: false }], 0.1)).toBe(0);
  });

  it('fits a temperature that sharpens margins which rank right', () => {
    const held = Array.from({ length: 50 }, (_, i) => ({ margins: [i % 5 === 0 ? -0.1 : 1, 0], y: 0 }));
    const { temperature } = fitTemperature(held);
    expect(temperature).toBeGreaterThan(0.01);
    expect(temperature).toBeLessThan(1);
  });

  it('learns that a low margin and unknown words mean out of scope, and needs out-of-scope rows to say so', () => {
    const held = [
      ...Array.from({ length: 40 }, (_, i) => ({ margin: 0.5 + (i % 5) / 10, coverage: 0.9, outOfScope: false })),
      ...Array.from({ length: 10 }, (_, i) => ({ margin: -0.8 + (i % 3) / 10, coverage: 0.3, outOfScope: true })),
    ];
    const scope = fitScope(held, 0.2)!;
    expect(inScopeProbability(scope, 0.7, 0.9)).toBeGreaterThan(0.9);
    expect(inScopeProbability(scope, -0.7, 0.3)).toBeLessThan(0.1);
    expect(fitScope(held.filter((h) => !h.outOfScope), 0.2)).toBeNull();
  });
});

describe('intent model codec', () => {
  it('packs sorted 32-bit hashes and long byte strings losslessly', () => {
    const hashes = Uint32Array.from([0, 1, 127, 128, 16_384, 2 ** 31, 2 ** 32 - 1]);
    expect(unpackSorted(packSorted(hashes))).toEqual(hashes);
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });
});
