/**
 * A site as read a few seconds ago. Every answer needs its origins (the output guard's link
 * hosts), its budget and its settings; on the embedded database each read would wait its turn
 * behind retrieval's queries. A change (npm run site, the admin API) shows within the TTL,
 * as the CORS check's own memo does.
 */
import type { Db, Site } from '../ports';

export const SITE_TTL_MS = 10_000;

const seen = new WeakMap<object, Map<string, { at: number; site: Promise<Site | null> }>>();

/** The site, or null when it does not exist or cannot be read just now (not remembered then). */
export function recentSite(deps: { db: Db; clock: { now(): number } }, siteId: string): Promise<Site | null> {
  let bySite = seen.get(deps.db);
  if (!bySite) seen.set(deps.db, (bySite = new Map()));
  const now = deps.clock.now();
  const hit = bySite.get(siteId);
  if (hit && now - hit.at < SITE_TTL_MS) return hit.site;
  const site = deps.db.sites.get(siteId).catch(() => {
    bySite.delete(siteId);
    return null;
  });
  bySite.set(siteId, { at: now, site });
  return site;
}

/** Read again at its next use: it was just changed through this database (the admin API). */
export function forgetSite(db: Db, siteId: string): void {
  seen.get(db)?.delete(siteId);
}
