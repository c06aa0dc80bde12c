import { describe, expect, it } from 'vitest';
import { normalize, preprocess } from '../../../edge/pipeline/preprocess';

describe('preprocess', () => {
  it('gives questions that differ in case, punctuation and spacing one cache key', () => {
    const a = preprocess("Where's my order??", 500);
    const b = preprocess("  where's   my order ", 500);
    const c = preprocess('WHERE’S MY ORDER!', 500);
    expect(a.normalized).toBe('wheres my order');
    expect(b.normalized).toBe(a.normalized);
    expect(c.normalized).toBe(a.normalized);
    expect(a.text).toBe("Where's my order??");
    expect(a.truncated).toBe(false);
  });

  it('applies NFKC and strips control and zero-width characters', () => {
    const r = preprocess('ｆｕｌｌ\u200b width\u0000 ﬁle\u202e\ttab\r\nline', 500);
    expect(r.text).toBe('full width file tab line');
    expect(normalize('Hello, World… (again)')).toBe('hello world again');
  });

  it('caps long text on a word boundary and says so', () => {
    const r = preprocess('alpha beta gamma delta epsilon', 14);
    expect(r.text).toBe('alpha beta');
    expect(r.truncated).toBe(true);
    expect(r.text.length).toBeLessThanOrEqual(14);
    // One giant token is cut hard rather than dropped.
    const long = preprocess('x'.repeat(50), 10);
    expect(long.text).toBe('x'.repeat(10));
    // Never half a surrogate pair.
    const emoji = preprocess('ab' + '😀'.repeat(10), 5);
    expect(emoji.text).toBe('ab😀');
    expect(preprocess('exactly ten', 11)).toEqual({ text: 'exactly ten', normalized: 'exactly ten', truncated: false });
  });

  it('handles empty and whitespace-only input', () => {
    expect(preprocess(' \n\t ', 100)).toEqual({ text: '', normalized: '', truncated: false });
  });
});
