/**
 * Webhook signatures, Stripe-like: `X-Support-Chat-Signature: t=<unix seconds>,v1=<hex>`, where
 * the hex is HMAC-SHA256 over `<t>.<raw body>` keyed with the site's webhook secret (the whole
 * string, as UTF-8). The time is signed with the body, so a captured delivery cannot be replayed
 * later than the receiver's tolerance. Web Crypto only: the same code runs on Node and Workers.
 */
import { newSecret } from '../core/secrets';

export const SIGNATURE_HEADER = 'X-Support-Chat-Signature';
/** How old a signature a receiver accepts by default (and how far in the future). */
export const DEFAULT_TOLERANCE_SEC = 300;

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export const newWebhookSecret = (): string => `whsec_${newSecret()}`;

const encoder = new TextEncoder();

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** The header's value for `body` sent at `timestampSec`. */
export async function signWebhook(secret: string, body: string, timestampSec: number): Promise<string> {
  const t = Math.floor(timestampSec);
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(`${t}.${body}`));
  return `t=${t},v1=${toHex(new Uint8Array(mac))}`;
}

/**
 * Whether `header` signs `body` with `secret`, at most `toleranceSec` from `nowSec`. Any one of
 * several `v1=` values may match. The comparison is Web Crypto's, in constant time.
 */
export async function verifyWebhook(
  secret: string,
  header: string | null | undefined,
  body: string,
  toleranceSec: number = DEFAULT_TOLERANCE_SEC,
  nowSec: number = Date.now() / 1000,
): Promise<boolean> {
  if (!header || !secret) return false;
  let t: number | null = null;
  const macs: Uint8Array<ArrayBuffer>[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1') {
      const mac = fromHex(value);
      if (mac) macs.push(mac);
    }
  }
  if (t === null || macs.length === 0 || Math.abs(nowSec - t) > toleranceSec) return false;
  const key = await hmacKey(secret, 'verify');
  const signed = encoder.encode(`${t}.${body}`);
  for (const mac of macs) if (await crypto.subtle.verify('HMAC', key, mac, signed)) return true;
  return false;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
