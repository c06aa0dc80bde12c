/**
 * `GET /v1/admin/sites/:id/insights?days=30` (`read`): what the admin page (`/admin`) charts,
 * on both runtimes. See insights/report.ts for what each figure counts.
 */
import type { Hono } from 'hono';
import type { Deps } from '../core/deps';
import { MAX_DAYS, siteInsights } from '../insights/report';
import { requireScope } from './admin-auth';

const DEFAULT_DAYS = 30;

export function mountAdminInsights(app: Hono, deps: Deps): void {
  app.get('/v1/admin/sites/:id/insights', requireScope('read'), async (c) => {
    const id = c.req.param('id');
    const given = c.req.query('days');
    const days = given === undefined ? DEFAULT_DAYS : Number(given);
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
      return c.json({ error: { code: 'invalid_message', message: `days must be a whole number from 1 to ${MAX_DAYS}` } }, 400);
    }
    if (!(await deps.db.sites.get(id))) return c.json({ error: { code: 'unknown_site', message: `no site "${id.slice(0, 64)}"` } }, 404);
    return c.json(await siteInsights(deps, id, days));
  });
}
