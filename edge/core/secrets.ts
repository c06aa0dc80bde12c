/**
 * Resume secrets: what lets a client back into a conversation. The conversation id travels in
 * URLs, logs and support tickets; the secret stays with the widget, and only its SHA-256 is
 * stored, so a read of the database does not hand out conversations either. Web Crypto, so the
 * same code runs on Node and in workerd.
 */
import { sha256Hex } from './sha256';

/** 256 random bits, URL-safe. */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export const hashSecret = (secret: string): Promise<string> => sha256Hex(secret);

/** Whether `secret` is the one `hash` was made from; a missing secret or hash never is. */
export async function secretMatches(secret: string | undefined, hash: string | null): Promise<boolean> {
  if (!secret || !hash) return false;
  return sameText(await hashSecret(secret), hash);
}

/** Two secrets compared by their hashes, in time that does not depend on where they differ. */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([hashSecret(a), hashSecret(b)]);
  return sameText(x, y);
}

function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}
