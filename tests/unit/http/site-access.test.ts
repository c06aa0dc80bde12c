import { describe, expect, it } from 'vitest';
import type { Db, Site } from '../../../edge/core/ports';
import { checkSite } from '../../../edge/http/site-access';

const sites: Record<string, Site> = {
  shop: { id: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'] },
  open: { id: 'open', name: 'Open', allowedOrigins: ['*'] },
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
