/**
 * A site's keys. The public key goes in the page, so it only names the site (and can be
 * replaced when copied onto pages it should not be on); the secret key stays on the site's
 * servers, which either send it as a bearer token or sign short-lived tokens with it, so the
 * key itself need not travel with every request from an app.
 */
import { SignJWT } from 'jose';
import { newSecret } from '../secrets';

export const newPublicKey = (): string => `pk_${newSecret().slice(0, 24)}`;
export const newSecretKey = (): string => `sk_${newSecret()}`;

/** What a site's backend does to let an app talk to it: HS256, `aud` the site, `ttlSeconds` long. */
export async function mintSiteToken(siteId: string, secretKey: string, ttlSeconds: number, subject?: string): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setAudience(siteId).setIssuedAt().setExpirationTime(`${ttlSeconds}s`);
  if (subject) jwt.setSubject(subject);
  return jwt.sign(new TextEncoder().encode(secretKey));
}
