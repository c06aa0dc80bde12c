/**
 * Who calls the admin API, and what they may do. `ADMIN_TOKEN` is the bootstrap: every scope.
 * Tokens made with `npm run admin -- token create --scope …` are kept as SHA-256 hashes and
 * carry scopes (read, write, agent); each route names the scope it needs, and a token
 * without it gets 403 `forbidden_scope`. Wrong tokens are counted per address: ten in a
 * quarter of an hour lock that address out, even for a right token, until the window passes.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../core/deps';
import { ADMIN_SCOPES, type AdminScope } from '../core/ports';
import { hashSecret, sameSecret } from '../core/secrets';
import type { AddressOf } from './client-address';

export interface AdminCaller {
  /** `admin` (ADMIN_TOKEN) or `token:<id>`: what the audit log records as who. */
  actor: string;
  scopes: ReadonlySet<AdminScope>;
  address: string;
}

/** Stored tokens look like this; the id names the token in lists and the audit log. */
export const ADMIN_TOKEN_PREFIX = 'adm_';

const FAILURES_PER_WINDOW = 10;
const FAILURE_WINDOW_S = 900;
/**
 * By the request's context, which lives as long as the request: not by `c.req.raw`, which a body
 * limit replaces when the body comes without a length (chunked), so the route would not find it.
 */
const callers = new WeakMap<Context, AdminCaller>();

const tooMany = (c: Context, wait: number) =>
  c.json({ error: { code: 'rate_limited', message: `too many failed attempts; try again in ${wait} s`, retryAfter: wait } }, 429, { 'Retry-After': String(wait) });

export function adminAuth(deps: Deps, addressOf: AddressOf): MiddlewareHandler {
  const bootstrap = deps.settings.adminToken;
  return async (c, next) => {
    const header = c.req.header('authorization');
    // Without ADMIN_TOKEN only stored tokens open it: anything else finds nothing here.
    if (!bootstrap && !/^Bearer\s+adm_/i.test(header ?? '')) {
      return c.json({ error: { code: 'not_found', message: 'the admin API is off; set ADMIN_TOKEN, or make a token with npm run admin -- token create' } }, 404);
    }
    // Locked out: refused before the token is even compared, so guessing on gains nothing.
    const address = addressOf(c) ?? 'unknown';
    const locked = await deps.sessions.cacheGet<number>(`admin-locked:${address}`);
    if (locked) return tooMany(c, Math.max(1, Math.ceil((locked - deps.clock.now()) / 1000)));
    const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
    const caller = given ? await callerOf(deps, given, address) : null;
    if (!caller) {
      const wait = await deps.sessions.rateLimit(`admin-fail:${address}`, FAILURES_PER_WINDOW, FAILURE_WINDOW_S);
      if (wait > 0) {
        await deps.sessions.cacheSet(`admin-locked:${address}`, deps.clock.now() + wait * 1000, wait);
        return tooMany(c, wait);
      }
      c.header('WWW-Authenticate', 'Bearer realm="admin"');
      return c.json({ error: { code: 'unauthorized', message: 'send Authorization: Bearer <ADMIN_TOKEN or an admin token>' } }, 401);
    }
    callers.set(c, caller);
    await next();
  };
}

export async function callerOf(deps: Deps, given: string, address: string): Promise<AdminCaller | null> {
  const bootstrap = deps.settings.adminToken;
  if (bootstrap && (await sameSecret(given, bootstrap))) return { actor: 'admin', scopes: new Set(ADMIN_SCOPES), address };
  if (!given.startsWith(ADMIN_TOKEN_PREFIX)) return null;
  const row = await deps.db.adminTokens.byHash(await hashSecret(given));
  return row ? { actor: `token:${row.id}`, scopes: new Set(row.scopes), address } : null;
}

/** The caller adminAuth let in (routes under /v1/admin only). */
export function adminCaller(c: Context): AdminCaller {
  const caller = callers.get(c);
  if (!caller) throw new Error('adminCaller outside the admin API');
  return caller;
}

/** For a route: the caller's token must carry `scope`. */
export function requireScope(scope: AdminScope): MiddlewareHandler {
  return async (c, next) => {
    if (!adminCaller(c).scopes.has(scope)) {
      return c.json({ error: { code: 'forbidden_scope', message: `this token does not have the "${scope}" scope` } }, 403);
    }
    await next();
  };
}
