import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Db, Site } from '../../../edge/core/ports';
import { mintSiteToken } from '../../../edge/core/sites/keys';
import { checkSite } from '../../../edge/http/site-access';

const sites: Record<string, Site> = {
  shop: { id: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'] },
  open: { id: 'open', name: 'Open', allowedOrigins: ['*'] },
  locked: { id: 'locked', name: 'Locked', allowedOrigins: ['https://locked.example'], publicKey: 'pk_locked', secretKey: 'sk_locked_secret', settings: { requireKey: true } },
  other: { id: 'other', name: 'Other', allowedOrigins: ['https://locked.example'], publicKey: 'pk_other', secretKey: 'sk_other_secret', settings: { requireKey: true } },
};
const db = { sites: { get: async (id: string) => sites[id] ?? null } } as unknown as Db;

describe('checkSite: which origins may use a site', () => {
  it('lets an allowed origin and a caller without Origin (a server) in', async () => {
    expect((await checkSite(db, 'shop', 'https://shop.example')).ok).toBe(true);
    expect((await checkSite(db, 'shop', undefined)).ok).toBe(true);
    expect((await checkSite(db, 'open', 'https://anyone.example')).ok).toBe(true);
  });

  it('refuses a foreign origin, an empty one and an opaque one, even on a site open to all', async () => {
    expect(await checkSite(db, 'shop', 'https://evil.example')).toMatchObject({ ok: false, code: 'forbidden_origin', status: 403 });
    for (const site of ['shop', 'open']) {
      expect(await checkSite(db, site, '')).toMatchObject({ ok: false, code: 'forbidden_origin', message: `origin (empty) may not use site "${site}"` });
      expect(await checkSite(db, site, 'null')).toMatchObject({ ok: false, code: 'forbidden_origin' });
    }
  });

  it('names an unknown or missing site', async () => {
    expect(await checkSite(db, 'nope', undefined)).toMatchObject({ ok: false, code: 'unknown_site', status: 404 });
    expect(await checkSite(db, undefined, undefined)).toMatchObject({ ok: false, code: 'unknown_site' });
  });
});

describe('checkSite: keys and tokens, for a site whose requireKey is on', () => {
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const sign = (claims: Record<string, unknown>, secret: string, header: { alg: string } = { alg: 'HS256' }) =>
    new SignJWT(claims).setProtectedHeader(header).sign(new TextEncoder().encode(secret));
  const now = () => Math.floor(Date.now() / 1000);

  it('lets a browser in with its public key, and refuses it without or with another site\'s', async () => {
    expect((await checkSite(db, 'locked', 'https://locked.example', { key: 'pk_locked' })).ok).toBe(true);
    expect(await checkSite(db, 'locked', 'https://locked.example')).toMatchObject({ ok: false, code: 'unauthorized', status: 401 });
    expect(await checkSite(db, 'locked', 'https://locked.example', { key: 'pk_other' })).toMatchObject({ ok: false, code: 'unauthorized' });
    // A wrong key is refused even where none is required.
    expect(await checkSite(db, 'shop', 'https://shop.example', { key: 'pk_locked' })).toMatchObject({ ok: false, code: 'unauthorized' });
  });

  it('lets a server in with the secret key or a fresh token, and refuses one without', async () => {
    expect((await checkSite(db, 'locked', undefined, bearer('sk_locked_secret'))).ok).toBe(true);
    expect((await checkSite(db, 'locked', undefined, bearer(await mintSiteToken('locked', 'sk_locked_secret', 300)))).ok).toBe(true);
    expect(await checkSite(db, 'locked', undefined)).toMatchObject({ ok: false, code: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') });
    // The public key is in every page: it does not stand in for the secret.
    expect(await checkSite(db, 'locked', undefined, { key: 'pk_locked' })).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(await checkSite(db, 'locked', undefined, { authorization: 'Basic abc' })).toMatchObject({ ok: false, code: 'unauthorized' });
  });

  it("refuses another site's secret key and tokens, forged, expired, too long-lived or unsigned ones", async () => {
    const refused = async (authorization: string, why?: string) =>
      expect(await checkSite(db, 'locked', undefined, { authorization })).toMatchObject({ ok: false, code: 'unauthorized', ...(why ? { message: expect.stringContaining(why) } : {}) });
    await refused('Bearer sk_other_secret', 'not site "locked"');
    await refused(`Bearer ${await mintSiteToken('other', 'sk_other_secret', 300)}`);
    // Signed with the other site's key but naming this one.
    await refused(`Bearer ${await mintSiteToken('locked', 'sk_other_secret', 300)}`, 'not signed');
    // This site's key, minted for another audience.
    await refused(`Bearer ${await mintSiteToken('other', 'sk_locked_secret', 300)}`, '"aud"');
    await refused(`Bearer ${await sign({ aud: 'locked', iat: now() - 120, exp: now() - 60 }, 'sk_locked_secret')}`, 'expired');
    await refused(`Bearer ${await sign({ aud: 'locked', iat: now() - 7200, exp: now() + 600 }, 'sk_locked_secret')}`, '"iat"');
    await refused(`Bearer ${await sign({ aud: 'locked', exp: now() + 600 }, 'sk_locked_secret')}`, '"iat"');
    await refused(`Bearer ${await sign({ aud: 'locked', iat: now(), exp: now() + 600 }, 'sk_locked_secret', { alg: 'HS512' })}`);
    const unsigned = `${btoa(JSON.stringify({ alg: 'none' }))}.${btoa(JSON.stringify({ aud: 'locked', iat: now(), exp: now() + 60 }))}.`;
    await refused(`Bearer ${unsigned.replace(/=/g, '')}`);
  });
});
