/**
 * Field encryption at rest (edge/core/crypto): AES-256-GCM through Web Crypto, values that
 * name their key, associated data that binds a value to its row, plain values read as they are,
 * and DATA_ENCRYPTION_KEY checked at start with a message per bad entry that never shows a key.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../edge/config/load';
import { cipherFor, fieldCipher, kidOf, parseKeyRing, SealedValueError } from '../../../edge/core/crypto';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const K1 = `k1:${key(1)}`;
const K2 = `k2:${key(2)}`;
const ring = (text: string) => {
  const parsed = parseKeyRing(text);
  if (!parsed.ring) throw new Error(parsed.problems.join('; '));
  return parsed.ring;
};

describe('sealing a value', () => {
  const cipher = fieldCipher(ring(K1));

  it('round-trips, names its key, and never holds the plain text', async () => {
    const text = 'my email is ana@example.com, phone +351 912 345 678 ✓';
    const sealed = await cipher.seal(text, 'messages.text:m1');
    expect(sealed).toMatch(/^enc:v1:k1:[A-Za-z0-9_-]+$/);
    expect(kidOf(sealed)).toBe('k1');
    expect(sealed).not.toContain('ana@example.com');
    expect(await cipher.open(sealed, 'messages.text:m1')).toBe(text);
    // A fresh IV each time: equal texts do not give equal values.
    expect(await cipher.seal(text, 'messages.text:m1')).not.toBe(sealed);
    expect(await cipher.open(await cipher.seal('', 'x'), 'x')).toBe('');
  });

  it('refuses a tampered value, one moved to another row, and one relabelled with another key id', async () => {
    const sealed = await cipher.seal('secret text', 'tickets.reason:t1');
    const body = sealed.slice('enc:v1:k1:'.length);
    const flipped = body.slice(0, 20) + (body[20] === 'A' ? 'B' : 'A') + body.slice(21);
    await expect(cipher.open(`enc:v1:k1:${flipped}`, 'tickets.reason:t1')).rejects.toThrow(SealedValueError);
    await expect(cipher.open(sealed.slice(0, -4), 'tickets.reason:t1')).rejects.toThrow(/does not open/);
    await expect(cipher.open(sealed, 'tickets.reason:t2')).rejects.toThrow(/does not open \(tickets\.reason\)/);
    const both = fieldCipher(ring(`${K1},k9:${key(1)}`));
    // The same key under another id still fails: the id is authenticated with the value.
    await expect(both.open(`enc:v1:k9:${body}`, 'tickets.reason:t1')).rejects.toThrow(/does not open/);
    await expect(cipher.open('enc:v1:k1:!!', 'x')).rejects.toThrow(/malformed/);
  });

  it('names an unknown key id, and says how to fix it', async () => {
    const sealed = await fieldCipher(ring(K2)).seal('x', 'a');
    await expect(cipher.open(sealed, 'a')).rejects.toThrow('a value is sealed under key "k2", which is unknown: DATA_ENCRYPTION_KEY holds "k1"; add "k2:<its key>" after the current one');
    await expect(fieldCipher(null).open(sealed, 'a')).rejects.toThrow(/key "k2".*DATA_ENCRYPTION_KEY is not set/);
  });

  it('reads plain values as they are, and keeps plain text that looks sealed from being taken for sealed', async () => {
    expect(await cipher.open('written before a key was set', 'a')).toBe('written before a key was set');
    const none = fieldCipher(null);
    expect(none.currentKid).toBeNull();
    expect(await none.seal('plain', 'a')).toBe('plain');
    for (const c of [none, cipher]) {
      const tricky = 'enc:v1:k1:AAAA a visitor typed this';
      const stored = c.currentKid ? c.keep(tricky) : await c.seal(tricky, 'a');
      expect(stored).toBe(`enc:raw:${tricky}`);
      expect(await c.open(stored, 'a')).toBe(tricky);
    }
  });

  it('opens what an older key sealed once the ring holds it after a new current key', async () => {
    const old = await cipher.seal('hello', 'a');
    const rotated = fieldCipher(ring(`${K2},${K1}`));
    expect(rotated.currentKid).toBe('k2');
    expect(rotated.kids).toEqual(['k2', 'k1']);
    expect(await rotated.open(old, 'a')).toBe('hello');
    expect(kidOf(await rotated.seal('hello', 'a'))).toBe('k2');
    expect(cipherFor(undefined).currentKid).toBeNull();
  });
});

describe('DATA_ENCRYPTION_KEY', () => {
  const problems = (value: string): string[] => {
    try {
      loadConfig({ DATA_ENCRYPTION_KEY: value });
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems;
    }
  };

  it('accepts one key or several, standard or URL-safe base64', () => {
    expect(loadConfig({ DATA_ENCRYPTION_KEY: K1 }).DATA_ENCRYPTION_KEY).toBe(K1);
    expect(problems(` ${K2} , ${K1} `)).toEqual([]);
    expect(problems(`k_3-a:${Buffer.alloc(32, 0xfb).toString('base64url')}`)).toEqual([]);
    expect(loadConfig({}).DATA_ENCRYPTION_KEY).toBeUndefined();
  });

  it('says what is wrong with each bad entry, without showing the key', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(problems('k1:not*base64')).toEqual(['DATA_ENCRYPTION_KEY key "k1" is not valid base64 (got "***")']);
    expect(problems(`k1:${short}`)[0]).toMatch(/^DATA_ENCRYPTION_KEY key "k1" is 16 bytes; AES-256 needs exactly 32 \(generate one with node -e .*randomBytes\(32\)/);
    expect(problems(`${K1},k1:${key(3)}`)).toEqual(['DATA_ENCRYPTION_KEY key id "k1" appears more than once (got "***")']);
    expect(problems(`bad id!:${key(1)}`)).toEqual(['DATA_ENCRYPTION_KEY the value has the key id "bad id!": ids are 1-32 letters, digits, "_" or "-" (got "***")']);
    expect(problems(`:${key(1)}`)[0]).toMatch(/key id "": ids are/);
    expect(problems(key(1))[0]).toMatch(/the value must be "id:base64key"/);
    expect(problems(`${K1},`)[0]).toMatch(/entry 2 must be "id:base64key"/);
    const all = problems(`k1:${short},x y:${key(1)},${K2},k2:${key(4)}`);
    expect(all).toHaveLength(3);
    for (const p of all) {
      expect(p).not.toContain(short);
      expect(p).not.toContain(key(1));
    }
  });
});
