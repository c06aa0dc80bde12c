import { describe, expect, it } from 'vitest';
import { randomId } from '../../../edge/core/ids';

describe('randomId', () => {
  it('gives 128 bits as 22 URL-safe characters after the prefix', () => {
    expect(randomId('m')).toMatch(/^m_[A-Za-z0-9_-]{22}$/);
  });

  it('never repeats across many pools of random bytes, and spreads over every character', () => {
    // 256 ids come from one fill of the pool: 10,000 take ~40 fills.
    const ids = Array.from({ length: 10_000 }, () => randomId('a').slice(2));
    expect(new Set(ids).size).toBe(ids.length);
    const chars = new Set(ids.join(''));
    expect(chars.size).toBe(64);
    // No id is the zeros a used slot of the pool is wiped to.
    expect(ids).not.toContain('A'.repeat(22));
  });
});
