import { describe, expect, it } from 'vitest';
import { CitationGuard } from '../../../edge/core/citations';
import { fuse } from '../../../edge/pipeline/retrieve';
import type { Source } from '../../../edge/core/ports';

describe('reciprocal-rank fusion', () => {
  it('puts what both lists found ahead of what one list ranked first', () => {
    const fused = fuse(['a', 'b', 'c'], ['c', 'd', 'b']);
    expect(fused.map((f) => f.id).slice(0, 2).sort()).toEqual(['b', 'c']);
    expect(fused.map((f) => f.id)).toHaveLength(4);
    expect(fused[0].score).toBeGreaterThan(fused[3].score);
  });

  it('keeps one list as it is when the other is empty', () => {
    expect(fuse(['x', 'y', 'z'], []).map((f) => f.id)).toEqual(['x', 'y', 'z']);
    expect(fuse([], [])).toEqual([]);
  });
});

/** The citations a whole answer text makes, numbers kept as written. */
function citationsFor(text: string, sources: Source[]) {
  const guard = new CitationGuard(new Set(sources.map((s) => s.n)));
  guard.push(text);
  guard.flush();
  return guard.citations(sources);
}

describe('citations from the answer text', () => {
  const sources: Source[] = [
    { n: 1, title: 'Returns', url: '/help/returns', text: 'You can return items within 30 days.', kind: 'doc' },
    { n: 2, title: 'Shipping', text: 'x '.repeat(300), kind: 'faq' },
  ];

  it('lists cited sources once, in order of first citation, with snippets', () => {
    const c = citationsFor('Ship fast [2]. Return in 30 days [1]. Again [2].', sources);
    expect(c.map((x) => x.n)).toEqual([2, 1]);
    expect(c[1]).toEqual({ n: 1, title: 'Returns', url: '/help/returns', snippet: 'You can return items within 30 days.' });
    expect(c[0].url).toBeUndefined();
    expect(c[0].snippet.length).toBeLessThanOrEqual(201);
  });

  it('drops a citation of a source that was not given', () => {
    expect(citationsFor('Made up [7].', sources)).toEqual([]);
  });
});
