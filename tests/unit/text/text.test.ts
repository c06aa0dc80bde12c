import { describe, expect, it } from 'vitest';
import { classTokens, fnv1a, fnv1aCombine, fnv1aRange, hashHex, isQueryNoise, isStopword, splitSentences, stem, words } from '../../../edge/text';

describe('text utilities', () => {
  it('tokenises words in any script, folding case and apostrophes', () => {
    expect(words("Where's my ORDER?? I don't know")).toEqual(['where', 'my', 'order', 'i', 'dont', 'know']);
    expect(words('Café crème, Ünïcode — naïve')).toEqual(['café', 'crème', 'ünïcode', 'naïve']);
    expect(words('Привет мир')).toEqual(['привет', 'мир']);
    // Scripts without spaces come out one character at a time.
    expect(words('退货政策')).toEqual(['退', '货', '政', '策']);
    expect(words('...!!!')).toEqual([]);
  });

  it('replaces emails, urls, amounts and order numbers with class tokens', () => {
    expect(classTokens('Order #10482 for jo.doe+x@mail.example.com cost $49.99 for 2 items, see https://x.io/a?b=1')).toEqual([
      'order', '#id', 'for', '@email', 'cost', '#money', 'for', '#num', 'items', 'see', '@url',
    ]);
    expect(classTokens('status of A7731?')).toEqual(['status', 'of', '#id']);
  });

  it('stems with Porter and leaves numbers and other scripts alone', () => {
    expect(stem('shipping')).toBe('ship');
    expect(stem('refunds')).toBe(stem('refund'));
    expect(stem('returned')).toBe(stem('returning'));
    expect(stem('a1234')).toBe('a1234');
    expect(stem('привет')).toBe('привет');
  });

  it('knows stopwords and request-framing words', () => {
    expect(isStopword('the')).toBe(true);
    expect(isStopword('dont')).toBe(true);
    expect(isStopword('refund')).toBe(false);
    expect(isQueryNoise('long')).toBe(true);
    expect(isQueryNoise('shipping')).toBe(false);
  });

  it('splits sentences, including headings on their own line and common abbreviations', () => {
    expect(splitSentences('Returns\nYou can return items within 30 days, e.g. shoes. Mr. Smith agrees! Is it free? Yes.')).toEqual([
      'Returns',
      'You can return items within 30 days, e.g. shoes.',
      'Mr. Smith agrees!',
      'Is it free?',
      'Yes.',
    ]);
    expect(splitSentences('   ')).toEqual([]);
  });

  it('hashes fast and well spread, with seeds and ranges consistent', () => {
    expect(fnv1a('abc')).toBe(fnv1a('abc'));
    expect(fnv1a('abc')).not.toBe(fnv1a('abd'));
    expect(fnv1a('abc', 1)).not.toBe(fnv1a('abc', 2));
    expect(fnv1aRange('xxabcxx', 2, 5)).toBe(fnv1a('abc'));
    expect(fnv1aCombine(fnv1a('ab'), 'c')).not.toBe(fnv1aCombine(fnv1a('a'), 'bc'));
    expect(hashHex('hello')).toMatch(/^[0-9a-f]{8}$/);
    // Buckets of a small modulus stay even over many short keys.
    const buckets = new Array(16).fill(0);
    for (let i = 0; i < 16_000; i++) buckets[fnv1a(`w${i}`) % 16]++;
    for (const b of buckets) expect(Math.abs(b - 1000)).toBeLessThan(150);
  });
});
