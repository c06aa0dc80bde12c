import { errors, jwtVerify } from 'jose';
import type { Db, Site } from '../core/ports';
import { sameSecret } from '../core/secrets';

const OPAQUE = new Set(['', 'null']);

/** Tokens a site's backend mints live at most this long: a leaked one is soon worthless. */
export const MAX_TOKEN_AGE_SECONDS = 3600;

/** What a client shows besides its Origin: the page's public key, a server's secret key or token. */
export interface SiteCredentials {
  /** The site's public key (`data-key` in the page; `key` in the URL or body). */
  key?: string;
  /** `Authorization` as sent: `Bearer <secret key or token>`. */
  authorization?: string;
}

type Refusal = { code: 'unknown_site' | 'forbidden_origin' | 'unauthorized'; message: string; status: 401 | 403 | 404 };
export type SiteCheck = ({ ok: true; site: Site } | ({ ok: false } & Refusal));

/**
 * Who may talk to a site. A browser always sends Origin on a WebSocket upgrade and a
 * cross-site fetch, so a site's allowed origins keep other pages from embedding its
 * assistant. An empty Origin is not "no origin": no browser sends one, so it is a present and
 * wrong one; "null" (a sandboxed frame, a file) names no site, so even a site open to every
 * origin refuses it. Callers without Origin (servers, apps) cannot be held to origins, so a
 * site whose `requireKey` is on asks them for its secret key or a short-lived token signed with
 * it (HS256, `aud` the site id, at most an hour old), and asks browsers for its public key.
 * Credentials given are always checked, so another site's key never passes.
 */
export async function checkSite(db: Db, siteId: string | undefined, origin: string | undefined, creds: SiteCredentials = {}): Promise<SiteCheck> {
  if (!siteId) return { ok: false, code: 'unknown_site', message: 'the "site" parameter is required', status: 404 };
  const site = await db.sites.get(siteId);
  if (!site) return { ok: false, code: 'unknown_site', message: `no site "${siteId.slice(0, 64)}"`, status: 404 };
  if (origin !== undefined && (OPAQUE.has(origin) || (!site.allowedOrigins.includes('*') && !site.allowedOrigins.includes(origin)))) {
    return { ok: false, code: 'forbidden_origin', message: `origin ${origin.slice(0, 200) || '(empty)'} may not use site "${site.id}"`, status: 403 };
  }
  const refusal = origin !== undefined ? checkPublicKey(site, creds.key) : await checkServer(site, creds);
  return refusal ? { ok: false, ...refusal } : { ok: true, site };
}

function checkPublicKey(site: Site, key: string | undefined): Refusal | null {
  if (key === undefined || key === '') {
    return site.settings?.requireKey ? unauthorized(`site "${site.id}" needs its public key (data-key)`) : null;
  }
  return key === site.publicKey ? null : unauthorized(`that key is not site "${site.id}"'s public key`);
}

async function checkServer(site: Site, creds: SiteCredentials): Promise<Refusal | null> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(creds.authorization ?? '')?.[1];
  if (creds.authorization !== undefined && bearer === undefined) return unauthorized('Authorization must be "Bearer <secret key or token>"');
  if (bearer === undefined) {
    if (creds.key !== undefined && creds.key !== '') return checkPublicKey(site, creds.key) ?? (site.settings?.requireKey ? needsSecret(site) : null);
    return site.settings?.requireKey ? needsSecret(site) : null;
  }
  if (!site.secretKey) return unauthorized(`site "${site.id}" has no secret key: make one with npm run site -- keys ${site.id}`);
  // A token has two dots; a secret key has none.
  if (bearer.split('.').length !== 3) return (await sameSecret(bearer, site.secretKey)) ? null : unauthorized(`that is not site "${site.id}"'s secret key`);
  return verifyToken(site, bearer);
}

async function verifyToken(site: Site, token: string): Promise<Refusal | null> {
  try {
    await jwtVerify(token, new TextEncoder().encode(site.secretKey!), {
      algorithms: ['HS256'],
      audience: site.id,
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      requiredClaims: ['exp', 'iat'],
    });
    return null;
  } catch (e) {
    const why =
      e instanceof errors.JWTExpired
        ? e.claim === 'iat'
          ? `the token's "iat" is more than ${MAX_TOKEN_AGE_SECONDS} s ago: mint tokens for at most an hour`
          : 'the token has expired'
        : e instanceof errors.JWTClaimValidationFailed
          ? `the token's "${e.claim}" claim is not valid (${e.reason})`
          : e instanceof errors.JWSSignatureVerificationFailed
            ? `the token is not signed with site "${site.id}"'s secret key`
            : 'the token is not a valid HS256 JWT';
    return unauthorized(why);
  }
}

const needsSecret = (site: Site) => unauthorized(`site "${site.id}" needs "Authorization: Bearer <secret key or token>" from clients without an Origin`);
const unauthorized = (message: string): Refusal => ({ code: 'unauthorized', message, status: 401 });
