/**
 * The questions a site's visitors ask most: its FAQ entries by how often answers cited them.
 * The widget's empty panel offers them on every hello, but they change as slowly as a
 * site's traffic does, so each site's list is read at most every MOST_ASKED_TTL_MS.
 *
 * Kept by the session store, not the database: on Workers each conversation's object has a
 * database connection of its own (a new conversation is a new object), while the session
 * store is one per isolate, as it is one per process on Node. Keyed by the database, every
 * new conversation there would read the list again.
 */
import type { Db, SessionStore } from '../ports';
import { MAX_SUGGESTIONS } from './settings';

export const MOST_ASKED_TTL_MS = 5 * 60_000;

const seen = new WeakMap<object, Map<string, { at: number; titles: Promise<string[]> }>>();

/** Up to MAX_SUGGESTIONS FAQ titles, most cited first; rejects when they cannot be read (not remembered then). */
export function mostAskedFaqs(deps: { db: Db; sessions: SessionStore; clock: { now(): number } }, siteId: string): Promise<string[]> {
  let bySite = seen.get(deps.sessions);
  if (!bySite) seen.set(deps.sessions, (bySite = new Map()));
  const now = deps.clock.now();
  const hit = bySite.get(siteId);
  if (hit && now - hit.at < MOST_ASKED_TTL_MS) return hit.titles;
  const titles = deps.db.documents.mostCited(siteId, 'faq', MAX_SUGGESTIONS).then((rows) => [...new Set(rows.map((r) => r.title))]);
  bySite.set(siteId, { at: now, titles });
  titles.catch(() => {
    if (bySite.get(siteId)?.titles === titles) bySite.delete(siteId);
  });
  return titles;
}

/** Read again at the next hello (the site's content or settings changed here). */
export function forgetMostAsked(deps: { sessions: SessionStore }, siteId: string): void {
  seen.get(deps.sessions)?.delete(siteId);
}
