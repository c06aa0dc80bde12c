import type { Handler, MiddlewareHandler } from 'hono';
import type { Db } from '../core/ports';

/** How long the allowed origins are trusted before they are read again. */
const ORIGINS_TTL_MS = 10_000;

/**
 * Cross-origin reads of the API only for origins some site allows. The route then checks the
 * origin against its own site (site-access.ts): CORS is a browser's second lock, not the first.
 */
export function siteCors(db: Db, now: () => number): MiddlewareHandler {
  let cached: { at: number; origins: Promise<Set<string> | '*'> } | null = null;
  const allowed = (): Promise<Set<string> | '*'> => {
    if (!cached || now() - cached.at > ORIGINS_TTL_MS) {
      const origins = db.sites.list().then((sites) => {
        const all = sites.flatMap((s) => s.allowedOrigins);
        return all.includes('*') ? ('*' as const) : new Set(all);
      });
      const entry = { at: now(), origins };
      // A failed read is not remembered: the next request asks again.
      origins.catch(() => cached === entry && (cached = null));
      cached = entry;
    }
    return cached.origins;
  };
  return async (c, next) => {
    await next();
    // A socket's upgrade carries no CORS; its origin is checked against the site itself.
    // A router and the app it hands to may both run this: the first answer stands.
    if (c.res.status === 101 || c.res.headers.has('Access-Control-Allow-Origin')) return;
    if (!/\borigin\b/i.test(c.res.headers.get('Vary') ?? '')) c.res.headers.append('Vary', 'Origin');
    const origin = c.req.header('origin');
    if (!origin || origin === 'null') return;
    const ok = await allowed().then(
      (a) => a === '*' || a.has(origin),
      () => false,
    );
    if (ok) c.res.headers.set('Access-Control-Allow-Origin', origin);
  };
}

/** The answer to a browser's preflight before a cross-origin POST with a JSON body, or a DELETE. */
export const preflight: Handler = (c) => {
  c.header('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
  c.header('Access-Control-Allow-Headers', 'Content-Type, Accept, X-Resume-Secret');
  c.header('Access-Control-Max-Age', '86400');
  return c.body(null, 204);
};
