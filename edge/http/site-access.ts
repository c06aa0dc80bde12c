import type { Db, Site } from '../core/ports';

const OPAQUE = new Set(['', 'null']);

export type SiteCheck = { ok: true; site: Site } | { ok: false; code: 'unknown_site' | 'forbidden_origin'; message: string; status: 403 | 404 };

/**
 * A browser always sends Origin on a WebSocket upgrade and a cross-site fetch, so a site's
 * allowed origins keep other pages from embedding its assistant. Callers without Origin
 * (servers, curl) are not browsers and cannot be restricted this way. An empty Origin header
 * is not "no origin": no browser sends one, so it is a present and wrong one; "null" (a
 * sandboxed frame, a file) names no site, so even a site open to every origin refuses it.
 */
export async function checkSite(db: Db, siteId: string | undefined, origin: string | undefined): Promise<SiteCheck> {
  if (!siteId) return { ok: false, code: 'unknown_site', message: 'the "site" parameter is required', status: 404 };
  const site = await db.sites.get(siteId);
  if (!site) return { ok: false, code: 'unknown_site', message: `no site "${siteId.slice(0, 64)}"`, status: 404 };
  if (origin !== undefined && (OPAQUE.has(origin) || (!site.allowedOrigins.includes('*') && !site.allowedOrigins.includes(origin)))) {
    return { ok: false, code: 'forbidden_origin', message: `origin ${origin.slice(0, 200) || '(empty)'} may not use site "${site.id}"`, status: 403 };
  }
  return { ok: true, site };
}
