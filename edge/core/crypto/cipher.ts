/**
 * Field encryption for values at rest: AES-256-GCM through Web Crypto (`crypto.subtle`, the same
 * on Node 20 and in workerd). A sealed value describes itself,
 *
 *   enc:v1:<kid>:<base64url(12-byte IV | ciphertext | 16-byte tag)>
 *
 * so rows sealed under different keys (before and during a rotation) sit side by side, and a
 * plain value (written before a key was set) is told apart and read as it is. The associated
 * data names the column and the row (`messages.text:<id>`): a sealed value copied into another
 * row or column fails to open instead of reading as that row's.
 */
import type { KeyRing } from './keyring';

export const SEALED_PREFIX = 'enc:v1:';
/**
 * Plain text that happens to start with `enc:` (a visitor can type anything) is stored behind
 * this prefix, so it is never taken for a sealed value, whether or not a key is set.
 */
const ESCAPED_PREFIX = 'enc:raw:';

export class SealedValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedValueError';
  }
}

export interface FieldCipher {
  /** The key id new values are sealed under; null when no key is set (nothing is encrypted). */
  readonly currentKid: string | null;
  /** Ids of every key held, the current one first. */
  readonly kids: readonly string[];
  /** Sealed under the current key; without a key, stored as given (escaped if it looks sealed). */
  seal(plain: string, aad: string): Promise<string>;
  /** Stored as given, never encrypted (a site that keeps its message text in the clear). */
  keep(plain: string): string;
  /** The plain text of a stored value, sealed or not. Throws `SealedValueError` naming the key when it cannot. */
  open(stored: string, aad: string): Promise<string>;
}

/** The key id a stored value was sealed under, or null for a plain value. */
export function kidOf(stored: string): string | null {
  if (!stored.startsWith(SEALED_PREFIX)) return null;
  const end = stored.indexOf(':', SEALED_PREFIX.length);
  return end < 0 ? null : stored.slice(SEALED_PREFIX.length, end);
}

export function fieldCipher(ring: KeyRing | null): FieldCipher {
  const imported = new Map<string, Promise<CryptoKey>>();
  const keyFor = (kid: string): Promise<CryptoKey> => {
    let key = imported.get(kid);
    if (!key) {
      const raw = ring?.keys.get(kid);
      if (!raw) {
        const fix = ring
          ? `DATA_ENCRYPTION_KEY holds ${[...ring.keys.keys()].map((k) => `"${k}"`).join(', ')}; add "${kid}:<its key>" after the current one`
          : `DATA_ENCRYPTION_KEY is not set; set it to "${kid}:<its key>"`;
        throw new SealedValueError(`a value is sealed under key "${kid}", which is unknown: ${fix}`);
      }
      key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
      imported.set(kid, key);
    }
    return key;
  };
  // The header is authenticated too: a value cannot be relabelled with another key id.
  const additional = (kid: string, aad: string) => new TextEncoder().encode(`${SEALED_PREFIX}${kid}|${aad}`);
  const keep = (plain: string) => (plain.startsWith('enc:') ? ESCAPED_PREFIX + plain : plain);

  return {
    currentKid: ring?.current ?? null,
    kids: ring ? [...ring.keys.keys()] : [],
    keep,
    async seal(plain, aad) {
      if (!ring) return keep(plain);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: additional(ring.current, aad) },
        await keyFor(ring.current),
        new TextEncoder().encode(plain),
      );
      const out = new Uint8Array(12 + sealed.byteLength);
      out.set(iv);
      out.set(new Uint8Array(sealed), 12);
      return `${SEALED_PREFIX}${ring.current}:${toBase64Url(out)}`;
    },
    async open(stored, aad) {
      if (stored.startsWith(ESCAPED_PREFIX)) return stored.slice(ESCAPED_PREFIX.length);
      const kid = kidOf(stored);
      if (kid === null) return stored;
      const bytes = fromBase64Url(stored.slice(SEALED_PREFIX.length + kid.length + 1));
      if (!bytes || bytes.length < 12 + 16) throw new SealedValueError(`a value sealed under key "${kid}" is malformed (${aad.split(':')[0]})`);
      try {
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: additional(kid, aad) }, await keyFor(kid), bytes.subarray(12));
        return new TextDecoder().decode(plain);
      } catch (err) {
        if (err instanceof SealedValueError) throw err;
        throw new SealedValueError(`a value sealed under key "${kid}" does not open (${aad.split(':')[0]}): altered, moved from another row, or that id now names another key`);
      }
    },
  };
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
