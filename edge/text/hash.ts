/**
 * FNV-1a, 32 bits: a fast, well-spread string hash for feature hashing and cache keys.
 * Not cryptographic: never use it where an attacker choosing collisions would matter.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Hash of `text` (UTF-16 code units). A different `seed` gives an independent hash family. */
export function fnv1a(text: string, seed = FNV_OFFSET): number {
  return fnv1aRange(text, 0, text.length, seed);
}

/** Hash of `text.slice(start, end)` without allocating the slice (char n-grams are hot). */
export function fnv1aRange(text: string, start: number, end: number, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return avalanche(h);
}

/** Continues a hash with another string, so "a b" bigrams need no concatenation. */
export function fnv1aCombine(h: number, text: string): number {
  // A separator code unit keeps ("ab","c") and ("a","bc") apart.
  h = Math.imul(h ^ 0x1f, FNV_PRIME);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return avalanche(h);
}

// FNV-1a's low bits mix poorly for short keys; a final avalanche (murmur3 fmix32) fixes
// the modulo buckets and the sign bit used by signed feature hashing.
function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Short stable hex form, for cache keys and ids. */
export function hashHex(text: string): string {
  return fnv1a(text).toString(16).padStart(8, '0');
}
