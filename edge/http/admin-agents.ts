/**
 * Agents through the admin API (the `write` scope): `POST /v1/admin/agents` makes one for a
 * site, `POST /v1/admin/agents/:id/disable` stops one and ends their sessions. Both audited.
 */
import bcrypt from 'bcryptjs';
import type { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../core/deps';
import { adminCaller, requireScope } from './admin-auth';

const newAgent = z.object({
  site: z.string().min(1).max(128),
  email: z.string().trim().email().max(320),
  name: z.string().trim().min(1).max(100),
  password: z.string().min(10, 'must be at least 10 characters').max(200),
});

export function mountAdminAgents(app: Hono, deps: Deps): void {
  app.post('/v1/admin/agents', requireScope('write'), async (c) => {
    const body = newAgent.safeParse(await c.req.json().catch(() => null));
    if (!body.success) {
      const issue = body.error.issues[0];
      return c.json({ error: { code: 'invalid_message', message: `"${issue.path.join('.') || 'body'}" ${issue.message}` } }, 400);
    }
    const { site, email, name, password } = body.data;
    if (!(await deps.db.sites.get(site))) return c.json({ error: { code: 'unknown_site', message: `no site "${site.slice(0, 64)}"` } }, 404);
    if (await deps.db.agents.byEmail(email)) return c.json({ error: { code: 'conflict', message: 'an agent with that email exists' } }, 409);
    const id = deps.newId('ag');
    await deps.db.agents.create({ id, siteId: site, email, name, passwordHash: await bcrypt.hash(password, 10) });
    const caller = adminCaller(c);
    await deps.db.audit.add({ siteId: site, actor: caller.actor, action: 'agent.created', detail: { agent: id, address: caller.address } });
    return c.json({ agent: { id, site, email: email.toLowerCase(), name } }, 201);
  });

  app.post('/v1/admin/agents/:id/disable', requireScope('write'), async (c) => {
    const id = c.req.param('id');
    const agent = await deps.db.agents.get(id);
    if (!agent || !(await deps.db.agents.disable(id))) return c.json({ error: { code: 'not_found', message: `no active agent "${id.slice(0, 64)}"` } }, 404);
    const caller = adminCaller(c);
    await deps.db.audit.add({ siteId: agent.siteId, actor: caller.actor, action: 'agent.disabled', detail: { agent: id, address: caller.address } });
    return c.body(null, 204);
  });
}
