/**
 * A site's webhook signing secret: made when its webhook URL is first set (and shown then,
 * once), made anew on rotation; reads never include it.
 */
import type { Db } from '../core/ports';
import type { SiteSettings } from '../core/sites/settings';
import { newWebhookSecret } from './signature';

/** A new secret when the site has a webhook URL and no secret yet; null when nothing was made. */
export async function ensureWebhookSecret(db: Db, siteId: string, settings: SiteSettings | undefined): Promise<string | null> {
  if (!settings?.webhookUrl) return null;
  const secret = newWebhookSecret();
  return (await db.sites.setWebhookSecret(siteId, secret, { ifUnset: true })) ? secret : null;
}

/** A new secret in place of the old one, which stops verifying at once; null when there is no such site. */
export async function rotateWebhookSecret(db: Db, siteId: string): Promise<string | null> {
  const secret = newWebhookSecret();
  return (await db.sites.setWebhookSecret(siteId, secret)) ? secret : null;
}
