import { describe, expect, it } from 'vitest';
import { formatIntentMetrics, intentMetrics } from '../../../edge/pipeline/intent/evaluate';

const pairs = (s: string) => s.split(' ').map((p) => ({ label: p.split('>')[0], predicted: p.split('>')[1] }));

describe('intent metrics', () => {
  it('match a case worked by hand', () => {
    // In scope: a a a b b (3 right). Out of scope: 3 rows, 2 caught; one in-scope row rejected.
    const m = intentMetrics(pairs('a>a a>a a>b b>b b>oos oos>oos oos>a oos>oos'), { ms: 4 });
    expect(m.accuracy).toBeCloseTo(3 / 5, 12);
    // a: 2 right of 3 predicted (one was out of scope), 2 of 3 true → F1 2/3; b: 1 of 2, 1 of 2 → 1/2.
    expect(m.perIntent).toEqual({
      a: { precision: 2 / 3, recall: 2 / 3, f1: expect.closeTo(2 / 3, 12), support: 3 },
      b: { precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, support: 2 },
    });
    expect(m.macroF1).toBeCloseTo(7 / 12, 12);
    expect(m.oosRecall).toBeCloseTo(2 / 3, 12);
    expect(m.oosPrecision).toBeCloseTo(2 / 3, 12);
    expect(m.msPerUtterance).toBe(0.5);
    expect(m.rows).toEqual({ inScope: 5, outOfScope: 3 });
    expect(m.confusions).toEqual([
      { label: 'a', predicted: 'b', count: 1 },
      { label: 'b', predicted: 'oos', count: 1 },
      { label: 'oos', predicted: 'a', count: 1 },
    ]);
  });

  it('averages F1 over true and predicted labels, lists the most frequent confusions first, and says n/a for what it cannot know', () => {
    const m = intentMetrics(pairs('x>x x>y x>y z>y z>z'), { outOfScope: 'other', confusions: 1 });
    // x: P 1/1, R 1/3 → 1/2; y: P 0/3 (support 0) → 0; z: P 1/1, R 1/2 → 2/3.
    expect(m.macroF1).toBeCloseTo((1 / 2 + 0 + 2 / 3) / 3, 12);
    expect(m.confusions).toEqual([{ label: 'x', predicted: 'y', count: 2 }]);
    expect(m.oosRecall).toBeNull();
    expect(m.oosPrecision).toBeNull();
    expect(m.msPerUtterance).toBeNull();
    const text = formatIntentMetrics(m);
    expect(text).toContain('out of scope (0 rows): recall n/a, precision n/a');
    expect(text).toContain('x → y: 2');
  });

  it('keeps the keys the eval command prints with --json', () => {
    const m = intentMetrics(pairs('a>a b>a'), { ms: 1 });
    expect(Object.keys(JSON.parse(JSON.stringify(m)))).toEqual(expect.arrayContaining(['accuracy', 'macroF1', 'perIntent', 'oosRecall', 'oosPrecision', 'msPerUtterance']));
  });
});
