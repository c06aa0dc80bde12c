import { describe, expect, it } from 'vitest';
import { nearWord, stemSet } from '../../../edge/providers/llm/terms';
import { editDistance } from '../../../edge/text/typos';

describe('nearWord', () => {
  it('is one edit or one swap of neighbouring letters, as the edit distance says, on every pair of a dense set of words', () => {
    // Short words over three letters: every kind of edit occurs among them many times over.
    const letters = 'abc';
    const all: string[] = [];
    const grow = (w: string) => {
      if (w.length >= 2) all.push(w);
      if (w.length < 5) for (const c of letters) grow(w + c);
    };
    grow('');
    let near = 0;
    for (const a of all) {
      for (const b of all) {
        const expected = Math.min(a.length, b.length) >= 3 && editDistance(a, b, 1) <= 1;
        if (nearWord(a, b) !== expected) expect.fail(`nearWord(${a}, ${b}) should be ${expected}`);
        if (expected) near++;
      }
    }
    expect(near).toBeGreaterThan(1000);
    expect([nearWord('retrun', 'return'), nearWord('jaket', 'jacket'), nearWord('jacket', 'jaket'), nearWord('refund', 'refunds')]).toEqual([true, true, true, true]);
    expect([nearWord('late', 'later'), nearWord('return', 'returns'), nearWord('tent', 'test'), nearWord('tent', 'tents')]).toEqual([true, true, true, true]);
    expect([nearWord('retrun', 'rerun'), nearWord('return', 'retunr'), nearWord('abcd', 'badc'), nearWord('ab', 'ab')]).toEqual([true, true, false, false]);
  });
});

describe('stemSet', () => {
  it('gives the same stems for a text however often it is asked, long texts included', () => {
    const short = 'Refunds go back to the original payment method within 5 business days.';
    const long = `${short} `.repeat(40);
    expect([...stemSet(short)].sort()).toEqual(['5', 'back', 'busi', 'dai', 'go', 'method', 'origin', 'payment', 'refund', 'within', '~time'].sort());
    expect(stemSet(short)).toBe(stemSet(short));
    expect([...stemSet(long)].sort()).toEqual([...stemSet(short)].sort());
  });
});
