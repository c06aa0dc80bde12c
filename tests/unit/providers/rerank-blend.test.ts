import { describe, expect, it } from 'vitest';
import { LocalReranker } from '../../../edge/providers/rerank/local';
import { fusionWeights, fuseWeighted } from '../../../edge/pipeline/retrieve';

const CANDIDATES = [
  { id: 'refund', title: 'When will I get my refund?', text: 'We process refunds within 5 business days of your return arriving.' },
  { id: 'card', title: 'Payment methods', text: 'We accept every major card; your card is charged when the order ships.' },
];

describe('the local reranker with the vector search\'s cosines', () => {
  it('lets a sentence model\'s cosine outrank a lexical match, scores staying in 0..1', async () => {
    const q = 'how many days until the money is back on my card';
    const lexical = await new LocalReranker().rerank(q, CANDIDATES, 2);
    expect(lexical[0].id).toBe('card');
    const blended = await new LocalReranker({ embeddingModel: 'all-MiniLM-L6-v2' }).rerank(q, [{ ...CANDIDATES[0], vector: 0.62 }, { ...CANDIDATES[1], vector: 0.18 }], 2);
    expect(blended[0].id).toBe('refund');
    for (const r of blended) expect(r.score).toBeGreaterThan(0), expect(r.score).toBeLessThan(1);
  });

  it('is lexical alone when no candidate has a cosine (the vector side was off)', () => {
    const r = new LocalReranker({ embeddingModel: 'all-MiniLM-L6-v2' });
    expect(r.scores('refund days', CANDIDATES)).toEqual(new LocalReranker().scores('refund days', CANDIDATES));
  });

  it('gives a candidate only full text found the lowest cosine of the others', () => {
    const f = new LocalReranker({ embeddingModel: 'local-hash-384' }).features('refund', [{ ...CANDIDATES[0], vector: 0.4 }, { ...CANDIDATES[1] }]);
    expect(f.map((x) => x.vector)).toEqual([0.4, 0.4]);
  });
});

describe('weighted fusion', () => {
  it('keeps MiniLM\'s order against one full-text hit, and leans on full text for codes', () => {
    const w = fusionWeights('all-MiniLM-L6-v2', 'when will I get my refund');
    const fused = fuseWeighted([{ ids: ['a', 'b'], weight: w.vector }, { ids: ['c', 'b'], weight: w.text }], w.k);
    expect(fused[0].id).toBe('b'); // found by both
    expect(fused.map((x) => x.id).indexOf('a')).toBeLessThan(fused.map((x) => x.id).indexOf('c'));
    const code = fusionWeights('all-MiniLM-L6-v2', 'is the JP-STV-01 in stock');
    expect(fuseWeighted([{ ids: ['a'], weight: code.vector }, { ids: ['c'], weight: code.text }], code.k)[0].id).toBe('c');
    expect(fusionWeights('text-embedding-3-small', 'x')).toEqual({ k: 60, vector: 1, text: 1 });
  });
});
