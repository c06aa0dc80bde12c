import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../edge/core/deps';
import { correct, editDistance, maxEdits } from '../../../edge/text/typos';
import { spellChecked } from '../../../edge/stores/db/repos/text-search';
import { retrieve } from '../../../edge/pipeline/retrieve';
import { demoDeps } from '../../helpers/deps';

const vocab = () => ({ df: new Map([['return', 12], ['retain', 1], ['jacket', 4], ['packet', 9], ['ship', 30], ['shop', 2], ['warranti', 5], ['jp-10421', 1]]) });

describe('spelling correction over a site vocabulary', () => {
  it('measures edits, a swap of neighbours counting one', () => {
    expect(editDistance('retrun', 'return', 2)).toBe(1);
    expect(editDistance('jaket', 'jacket', 2)).toBe(1);
    expect(editDistance('warrenty', 'warranti', 2)).toBe(2);
    expect(editDistance('kayak', 'jacket', 1)).toBe(2); // gave up past the limit
  });

  it('corrects an unknown word to the nearest, most frequent vocabulary word', () => {
    expect(correct('retrun', vocab())).toBe('return');
    // "jaket" is one edit from "jacket" and two from "packet": the nearer wins, not the more frequent.
    expect(correct('jaket', vocab())).toBe('jacket');
    expect(correct('warrenti', vocab())).toBe('warranti');
  });

  it('leaves short words, numbers and words far from everything alone', () => {
    expect(maxEdits(3)).toBe(0);
    expect(correct('shi', vocab())).toBeNull();
    expect(correct('jp-10422', vocab())).toBeNull();
    expect(correct('kayak', vocab())).toBeNull();
  });

  it('keeps known lexemes, corrects the others once', () => {
    expect(spellChecked(['ship', 'retrun', 'return', 'kayak'], vocab())).toEqual(['ship', 'return', 'kayak']);
  });
});

describe('a misspelt question over the demo shop', () => {
  let deps: Deps;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ deps, close } = await demoDeps());
  });
  afterAll(() => close());

  it('finds the returns policy through full text and at the top of retrieval and reranking', async () => {
    const q = 'how do i retrun a jaket that dosnt fit';
    const text = await deps.db.chunks.textSearch('demo', q, 3);
    const [first] = await deps.db.chunks.get([text[0].chunkId]);
    expect(first.title).toMatch(/return/i);

    const candidates = await retrieve(deps, 'demo', q, 20);
    expect(candidates[0].chunk.title).toMatch(/return/i);
    const [top] = await deps.reranker.rerank(
      q,
      candidates.map((c) => ({ id: c.chunk.id, title: c.chunk.title, text: c.chunk.content, ...(c.vectorScore !== null ? { vector: c.vectorScore } : {}) })),
      1,
    );
    expect(candidates.find((c) => c.chunk.id === top.id)!.chunk.title).toMatch(/return/i);
  });
});
