/**
 * Webhook signatures as a receiver checks them: the right secret over the exact body within the
 * tolerance verifies; a wrong secret, a changed body or an old (replayed) timestamp does not.
 * Also checked against Node's own HMAC, as the README tells receivers to compute it.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook, verifyWebhook } from '../../edge/notify/signature';

const secret = newWebhookSecret();
const body = JSON.stringify({ text: 'New ticket #1001 on acme: “Where is my order?”', event: { type: 'ticket.opened' } });
const now = 1_800_000_000;

describe('webhook signatures', () => {
  it('makes whsec_ secrets of 32 random bytes', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('signs t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">, as Node computes it', async () => {
    const header = await signWebhook(secret, body, now + 0.7);
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(header).toBe(`t=${now},v1=${expected}`);
    expect(await verifyWebhook(secret, header, body, 300, now + 10)).toBe(true);
  });

  it('refuses a wrong secret, a changed body and a malformed header', async () => {
    const header = await signWebhook(secret, body, now);
    expect(await verifyWebhook(newWebhookSecret(), header, body, 300, now)).toBe(false);
    expect(await verifyWebhook(secret, header, body.replace('1001', '1002'), 300, now)).toBe(false);
    expect(await verifyWebhook(secret, header, body + ' ', 300, now)).toBe(false);
    expect(await verifyWebhook(secret, null, body, 300, now)).toBe(false);
    expect(await verifyWebhook(secret, 'v1=abc', body, 300, now)).toBe(false);
    expect(await verifyWebhook(secret, header.replace(/v1=.*/, 'v1=zz'), body, 300, now)).toBe(false);
    // The time is signed with the body: moving it breaks the signature.
    expect(await verifyWebhook(secret, header.replace(`t=${now}`, `t=${now + 1}`), body, 300, now)).toBe(false);
  });

  it('refuses a stale or future timestamp (a replay), within the tolerance given', async () => {
    const header = await signWebhook(secret, body, now);
    expect(await verifyWebhook(secret, header, body, 300, now + 301)).toBe(false);
    expect(await verifyWebhook(secret, header, body, 300, now - 301)).toBe(false);
    expect(await verifyWebhook(secret, header, body, 600, now + 301)).toBe(true);
  });

  it('accepts any of several v1 values (a receiver may be sent more than one)', async () => {
    const header = await signWebhook(secret, body, now);
    const other = (await signWebhook(newWebhookSecret(), body, now)).split(',')[1];
    expect(await verifyWebhook(secret, `${header.split(',')[0]},${other},${header.split(',')[1]}`, body, 300, now)).toBe(true);
  });
});
