/**
 * Unanswered questions grouped by meaning (edge/insights/group.ts): by embeddings when close,
 * by shared topic words when the embedding misses or the embedder is down; the most asked
 * wording names the group, the others are listed; groups come most asked first.
 */
import { describe, expect, it } from 'vitest';
import type { UnansweredQuestion } from '../../../edge/core/ports';
import { groupQuestions } from '../../../edge/insights/group';
import { LocalEmbedder } from '../../../edge/providers/embeddings/local';

const at = (minutesAgo: number) => new Date(Date.UTC(2026, 11, 5, 12) - minutesAgo * 60_000);
// Newest first, as the repository gives them.
const asked = (texts: string[]): UnansweredQuestion[] => texts.map((text, i) => ({ text, at: at(i), intent: 'other' }));

describe('groupQuestions', () => {
  const questions = asked([
    'Do you offer gift wrapping?',
    'Can I pay with crypto?',
    'gift wrap available?',
    'Do you offer gift wrapping?',
    'do you offer gift wrapping',
    'Is there a student discount?',
    'Can I pay with crypto',
  ]);

  it('groups wordings of one question by their topic words when there is no embedder, most asked first', async () => {
    const groups = await groupQuestions(questions, null);
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ['Do you offer gift wrapping?', 4],
      ['Can I pay with crypto?', 2],
      ['Is there a student discount?', 1],
    ]);
    expect(groups[0]).toMatchObject({ lastAt: at(0), variants: ['gift wrap available?'] });
    expect(groups[1]!.lastAt).toEqual(at(1));
  });

  it('groups what the embedder finds close even without shared words, and goes on by words when it fails', async () => {
    // A stand-in embedder that knows two wordings mean the same: unit vectors, equal for them.
    const embedder = { embed: async (texts: string[]) => texts.map((t) => new Float32Array(/student|pupil/i.test(t) ? [1, 0] : [0, 1])) };
    const withPupil = [...asked(['Any discount for pupils at school?']), ...questions.slice(5, 6)];
    expect((await groupQuestions(withPupil, embedder)).map((g) => g.count)).toEqual([2]);
    expect((await groupQuestions(withPupil, null)).map((g) => g.count)).toEqual([1, 1]);
    const failing = { embed: async () => Promise.reject(new Error('embedder down')) };
    expect((await groupQuestions(questions, failing)).map((g) => g.count)).toEqual([4, 2, 1]);
  });

  it("with the server's own hashed embeddings, keeps different questions apart", async () => {
    const groups = await groupQuestions(questions, new LocalEmbedder());
    expect(groups.map((g) => g.count)).toEqual([4, 2, 1]);
  });

  it('returns at most `limit` groups, and none for no questions', async () => {
    expect(await groupQuestions([], null)).toEqual([]);
    expect(await groupQuestions(questions, null, { limit: 2 })).toHaveLength(2);
  });
});
