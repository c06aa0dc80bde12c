import { describe, expect, it } from 'vitest';
import { answerableOutcome, unanswerableOutcome } from './answers';
import { parseSse } from './ask';
import { collapseFor, collapseQrels, collapseRanking, latency, mrrAt, ndcgAt, recallAt, scoreQuery } from './metrics';

const judged = (o: Record<string, number>) => new Map(Object.entries(o));

describe('ranking metrics on a hand-made example', () => {
  const ranked = ['a', 'b', 'c', 'd'];
  const rel = judged({ b: 1, d: 1 });

  it('recall@k is the share of the relevant found in the top k', () => {
    expect(recallAt(ranked, rel, 1)).toBe(0);
    expect(recallAt(ranked, rel, 2)).toBe(0.5);
    expect(recallAt(ranked, rel, 5)).toBe(1);
    expect(recallAt([], rel, 10)).toBe(0);
  });

  it('MRR@k is the reciprocal rank of the first relevant, 0 beyond k', () => {
    expect(mrrAt(ranked, rel, 10)).toBe(0.5);
    expect(mrrAt(ranked, rel, 1)).toBe(0);
    expect(mrrAt(['x', 'y', 'b'], rel, 10)).toBeCloseTo(1 / 3, 10);
  });

  it('nDCG@k: linear gains, log2 discount, ideal from the judgements', () => {
    // DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3)
    expect(ndcgAt(ranked, rel, 10)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 10);
    expect(ndcgAt(ranked, rel, 10)).toBeCloseTo(0.65092, 4);
    // Graded: b 2, c 1 → (2/log2 3 + 1/2) / (2 + 1/log2 3)
    expect(ndcgAt(ranked, judged({ b: 2, c: 1 }), 10)).toBeCloseTo(0.66968, 4);
    expect(ndcgAt(['b', 'd'], rel, 10)).toBe(1);
    expect(ndcgAt(['a'], judged({}), 10)).toBe(0);
  });

  it('scoreQuery gathers them', () => {
    expect(scoreQuery(['t2', 't1'], judged({ t1: 1 }))).toEqual({ r1: 0, r5: 1, r10: 1, mrr10: 0.5, ndcg10: 1 / Math.log2(3) });
  });

  it('latency percentiles are nearest-rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(latency(samples)).toEqual({ p50: 50, p95: 95 });
    expect(latency([7])).toEqual({ p50: 7, p95: 7 });
    expect(Number.isNaN(latency([]).p50)).toBe(true);
  });
});

describe('collapsing answers to their thread', () => {
  it('auto collapses tNNN-aK ids, and nothing when an id has another shape', () => {
    const { collapse, describe: d } = collapseFor('auto', ['t001-a1', 't001-a2', 't010-a11']);
    expect([collapse('t001-a2'), collapse('t010-a11')]).toEqual(['t001', 't010']);
    expect(d).toMatch(/thread/);
    expect(collapseFor('auto', ['t001-a1', 'faq-7']).collapse('t001-a1')).toBe('t001-a1');
    expect(collapseFor('none', ['t001-a1']).collapse('t001-a1')).toBe('t001-a1');
  });

  it('a regex groups by its first capture, or by its match (a prefix)', () => {
    expect(collapseFor('^(\\w+)/', []).collapse('docs/page-1')).toBe('docs');
    expect(collapseFor('^t\\d+', []).collapse('t12-a3')).toBe('t12');
    expect(collapseFor('^zzz', []).collapse('t12-a3')).toBe('t12-a3');
    expect(() => collapseFor('(', [])).toThrow(/--collapse "\(" is not a regular expression/);
  });

  it('a ranking keeps each thread once, where its best answer ranked', () => {
    const { collapse } = collapseFor('auto', ['t1-a1']);
    expect(collapseRanking(['t1-a2', 't1-a1', 't2-a1', 't1-a3', 't3-a4'], collapse)).toEqual(['t1', 't2', 't3']);
  });

  it('qrels collapse to the best gain per thread; score 0 is not relevant', () => {
    const { collapse } = collapseFor('auto', ['t1-a1']);
    const qrels = new Map([
      ['q1', new Map([['t1-a1', 1], ['t1-a2', 2], ['t2-a1', 0]])],
      ['q2', new Map([['t3-a1', 0]])],
    ]);
    const out = collapseQrels(qrels, collapse);
    expect([...out.get('q1')!]).toEqual([['t1', 2]]);
    expect(out.has('q2')).toBe(false);
  });
});

describe('sorting replies into outcomes', () => {
  const cite = [{ n: 1, title: 'T', snippet: 's' }];
  it('answerable: a ticket is "person", then no citation is "refused", then the first citation decides', () => {
    expect(answerableOutcome({ ticket: 't1', citations: cite }, true)).toBe('person');
    expect(answerableOutcome({ ticket: null, citations: [] }, false)).toBe('refused');
    expect(answerableOutcome({ ticket: null, citations: cite }, true)).toBe('right');
    expect(answerableOutcome({ ticket: null, citations: cite }, false)).toBe('wrong');
  });
  it('unanswerable: a refusal counts as offering a person only with the handoff flag', () => {
    expect(unanswerableOutcome({ ticket: null, citations: [], handoff: true })).toBe('refused_offer');
    expect(unanswerableOutcome({ ticket: null, citations: [], handoff: false })).toBe('refused_no_offer');
    expect(unanswerableOutcome({ ticket: null, citations: cite, handoff: true })).toBe('answered');
    expect(unanswerableOutcome({ ticket: 't', citations: [], handoff: true })).toBe('person');
  });
  it('reads server-sent events', () => {
    const body = 'event: answer.start\ndata: {"intent":"other"}\nid: 1\n\nevent: answer.end\ndata: {"citations":[],"handoff":true}\n\n';
    expect(parseSse(body)).toEqual([
      { event: 'answer.start', data: { intent: 'other' } },
      { event: 'answer.end', data: { citations: [], handoff: true } },
    ]);
  });
});
