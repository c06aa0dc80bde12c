import { describe, expect, it } from 'vitest';
import { CitationGuard } from '../../../edge/core/citations';
import type { Source } from '../../../edge/core/ports';

const sources: Source[] = [1, 2, 3, 4].map((n) => ({ n, title: `S${n}`, text: `text ${n}`, kind: 'doc' as const }));

describe('citation numbering', () => {
  it('shows the first source cited as [1], the next new one as [2], whatever their rank, across stream pieces', () => {
    const g = new CitationGuard(new Set([1, 2, 3, 4]), { renumber: true });
    const shown = ['Ships fast [', '3]. Free returns [1, ', '3]. Again [3', '].'].map((p) => g.push(p)).join('') + g.flush();
    expect(shown).toBe('Ships fast [1]. Free returns [2][1]. Again [1].');
    expect(g.citations(sources).map((c) => [c.n, c.title])).toEqual([
      [1, 'S3'],
      [2, 'S1'],
    ]);
    // What a replay of the shown text cites: the same numbers.
    expect(g.cited(sources).map((s) => [s.n, s.title])).toEqual([
      [1, 'S3'],
      [2, 'S1'],
    ]);
  });

  it('drops citations of sources that were not given, and keeps numbers as they are without renumbering', () => {
    const g = new CitationGuard(new Set([2]));
    expect(g.push('Made up [7]. Real [2].') + g.flush()).toBe('Made up. Real [2].');
    expect(g.citations(sources).map((c) => c.n)).toEqual([2]);
  });
});
