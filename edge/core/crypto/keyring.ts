/**
 * The data keys, from `DATA_ENCRYPTION_KEY`: `kid:base64key` entries separated by commas, the
 * first one current (new values are sealed under it), the others kept to open what older keys
 * sealed until rotation has re-sealed it. Parsing is pure and says what is wrong with each
 * entry without ever repeating key material, so config errors can be printed as they are.
 */

export interface KeyRing {
  /** The id new values are sealed under. */
  readonly current: string;
  /** Every key by id, the current one first; each exactly 32 bytes (AES-256). */
  readonly keys: ReadonlyMap<string, Uint8Array<ArrayBuffer>>;
}

/** Stored beside every value, so keep it short and free of the format's separator (`:`). */
export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const KEY_BYTES = 32;
export const GENERATE_KEY_HINT = `node -e "console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))"`;

export type KeyRingParse = { ring: KeyRing; problems?: undefined } | { ring?: undefined; problems: string[] };

export function parseKeyRing(text: string): KeyRingParse {
  const problems: string[] = [];
  const keys = new Map<string, Uint8Array<ArrayBuffer>>();
  const entries = text.split(',').map((e) => e.trim());
  entries.forEach((entry, i) => {
    const where = entries.length > 1 ? `entry ${i + 1}` : 'the value';
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problems.push(`${where} must be "id:base64key" (e.g. k1:<32 random bytes in base64>; generate one with ${GENERATE_KEY_HINT})`);
      return;
    }
    const kid = entry.slice(0, colon).trim();
    if (!KEY_ID.test(kid)) {
      problems.push(`${where} has the key id "${kid.slice(0, 40)}": ids are 1-32 letters, digits, "_" or "-"`);
      return;
    }
    const bytes = decodeBase64(entry.slice(colon + 1).trim());
    if (bytes === null) problems.push(`key "${kid}" is not valid base64`);
    else if (bytes.length !== KEY_BYTES) problems.push(`key "${kid}" is ${bytes.length} bytes; AES-256 needs exactly ${KEY_BYTES} (generate one with ${GENERATE_KEY_HINT})`);
    else if (keys.has(kid)) problems.push(`key id "${kid}" appears more than once`);
    else keys.set(kid, bytes);
  });
  if (problems.length) return { problems };
  return { ring: { current: entries[0].slice(0, entries[0].indexOf(':')).trim(), keys } };
}

/** Standard or URL-safe base64, padded or not; null when it is neither. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) return null;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
