/**
 * A site's webhook through the admin API: its recent deliveries, newest first (`read`), and a
 * test notification sent at once, one attempt, its outcome in the answer (`write`, audited).
 * The URL is the site's `webhookUrl` setting (admin-sites.ts); the secret is never shown here.
 */
import type { Context, Hono } from 'hono';
import type { Deps } from '../core/deps';
import type { WebhookDeliveryRow } from '../core/ports';
import { BadCursor, pageOf, pageRequest, type PageRequest } from '../core/pagination';
import { notify } from '../notify';
import { adminCaller, requireScope } from './admin-auth';

const missing = (c: Context, id: string) => c.json({ error: { code: 'unknown_site', message: `no site "${id.slice(0, 64)}"` } }, 404);

/** A delivery as listed: its summary line, not its body (which may quote the visitor). */
const shown = (d: WebhookDeliveryRow) => ({
  id: d.id,
  event: d.event,
  url: d.url,
  summary: typeof d.payload.text === 'string' ? d.payload.text : null,
  status: d.status,
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});

export function mountAdminWebhooks(app: Hono, deps: Deps): void {
  app.get('/v1/admin/sites/:id/webhooks/deliveries', requireScope('read'), async (c) => {
    const siteId = c.req.param('id');
    let page: PageRequest;
    try {
      page = pageRequest({ limit: c.req.query('limit'), cursor: c.req.query('cursor') });
    } catch (err) {
      if (err instanceof BadCursor) return c.json({ error: { code: 'invalid_message', message: err.message } }, 400);
      throw err;
    }
    if (!(await deps.db.sites.get(siteId))) return missing(c, siteId);
    const rows = await deps.db.webhooks.list(siteId, page.limit + 1, page.after);
    const { items, next } = pageOf(rows, page.limit, (d) => ({ key: d.createdAt.toISOString(), id: d.id }));
    return c.json({ items: items.map(shown), next });
  });

  app.post('/v1/admin/sites/:id/webhooks/test', requireScope('write'), async (c) => {
    const siteId = c.req.param('id');
    const site = await deps.db.sites.get(siteId);
    if (!site) return missing(c, siteId);
    if (!site.settings?.webhookUrl) {
      return c.json({ error: { code: 'conflict', message: `site "${siteId}" has no webhookUrl: set it first (settings.webhookUrl)` } }, 409);
    }
    const caller = adminCaller(c);
    const outcome = await notify(deps, siteId, { type: 'webhook.test', text: `Sent by ${caller.actor}` }, { retries: false });
    await deps.db.audit.add({ siteId, actor: caller.actor, action: 'webhook.tested', detail: { delivery: outcome?.id ?? null, status: outcome?.status ?? null, address: caller.address } });
    if (!outcome) return c.json({ error: { code: 'internal', message: 'the test notification could not be recorded' } }, 500);
    const delivery = await deps.db.webhooks.get(outcome.id);
    return c.json({ delivered: outcome.status === 'delivered', delivery: delivery ? shown(delivery) : outcome });
  });
}
