import type { PanelConfig } from '../element/host';

/**
 * The server refused this page. The visitor is told politely; the site's owner, who is the one
 * able to fix it, gets one console line naming the page's origin and the command that fixes it.
 */
export function ownerWarning(code: string, c: PanelConfig, origin = location.origin): string {
  const site = JSON.stringify(c.site);
  const where = `<support-chat>: the server at ${c.endpoint} refused this page`;
  if (code === 'unknown_site') return `${where}: it has no site ${site}. Check the element's site attribute, or create the site: npm run site -- create ${c.site || 'SITE'} --origin ${origin}`;
  if (code === 'unauthorized') return `${where}: site ${site} asks for its public key. Add key="pk_…" to the element (npm run site -- show ${c.site} prints it).`;
  return `${where}: ${origin} is not an allowed origin of site ${site}. Allow it: npm run site -- set ${c.site} --add-origin ${origin} (or PATCH /v1/admin/sites/${c.site} with {"addOrigins":["${origin}"]}).`;
}
