import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../../edge/core/bounded-map';

describe('BoundedMap', () => {
  it('keeps up to its limit of entries, then forgets everything before taking the next', () => {
    const m = new BoundedMap<string, number>(3);
    m.set('a', 1).set('b', 2).set('c', 3);
    expect([m.get('a'), m.get('b'), m.get('c'), m.size]).toEqual([1, 2, 3, 3]);
    // Replacing a value takes no more room.
    m.set('a', 10);
    expect([m.get('a'), m.size]).toEqual([10, 3]);
    m.set('d', 4);
    expect([m.has('a'), m.has('b'), m.has('c'), m.get('d'), m.size]).toEqual([false, false, false, 4, 1]);
  });

  it('counts each entry at its own size when given one, and frees it on delete', () => {
    const m = new BoundedMap<string, Float32Array>(100, (v) => v.byteLength);
    m.set('a', new Float32Array(10)).set('b', new Float32Array(10)); // 80 bytes
    expect(m.delete('a')).toBe(true);
    expect(m.delete('a')).toBe(false);
    m.set('c', new Float32Array(10)); // 80 again: fits
    expect([m.has('b'), m.has('c')]).toEqual([true, true]);
    m.set('d', new Float32Array(10)); // 120: over, so the others go
    expect([m.has('b'), m.has('c'), m.has('d'), m.size]).toEqual([false, false, true, 1]);
    m.clear();
    expect(m.size).toBe(0);
    m.set('e', new Float32Array(25)); // exactly the limit
    expect(m.has('e')).toBe(true);
  });
});
