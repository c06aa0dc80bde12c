/**
 * Tickets through the admin API, for integrations (a helpdesk sync, a bot in the team's chat):
 * list and read with `read`; take, answer and close with `agent`, as one of the site's agents
 * (`"agent": "<id>"`), whose name the visitor sees. The same steps as the inbox's
 * (inbox/tickets.ts), audited with the token as who.
 */
import type { Context, Hono } from 'hono';
import type { Deps } from '../core/deps';
import { TicketError, type Actor } from '../inbox/tickets';
import { adminCaller, requireScope } from './admin-auth';
import { fail, listTickets, ticketDetail, write, type TicketWrites } from './agent-api';

export function mountAdminTickets(app: Hono, deps: Deps, writes: TicketWrites): void {
  app.get('/v1/admin/tickets', requireScope('read'), (c) => listTickets(c, deps, c.req.query('site') || undefined));

  app.get('/v1/admin/tickets/:id', requireScope('read'), async (c) => {
    const ticket = await deps.db.tickets.get(c.req.param('id'));
    if (!ticket) return fail(c, new TicketError('not_found', `no ticket "${c.req.param('id').slice(0, 64)}"`));
    return c.json(await ticketDetail(deps, ticket));
  });

  for (const action of ['assign', 'reply', 'close'] as const) {
    app.post(`/v1/admin/tickets/:id/${action}`, requireScope('agent'), async (c) => {
      try {
        const ticket = await deps.db.tickets.get(c.req.param('id'));
        if (!ticket) throw new TicketError('not_found', `no ticket "${c.req.param('id').slice(0, 64)}"`);
        const actor = await actorOf(deps, c, ticket.siteId);
        return await write(c, deps, writes, ticket, actor, action);
      } catch (err) {
        return fail(c, err);
      }
    });
  }
}

/** The token, acting as the agent the body names (who must be an enabled agent of the ticket's site). */
async function actorOf(deps: Deps, c: Context, siteId: string): Promise<Actor> {
  const caller = adminCaller(c);
  const body = (await c.req.raw.clone().json().catch(() => null)) as { agent?: unknown } | null;
  const base: Actor = { actor: caller.actor, address: caller.address };
  if (body?.agent === undefined) return base;
  if (typeof body.agent !== 'string') throw new TicketError('invalid_request', '"agent" is an agent\'s id');
  const agent = await deps.db.agents.get(body.agent);
  if (!agent || agent.siteId !== siteId || agent.disabledAt) throw new TicketError('unknown_agent', `no enabled agent "${body.agent.slice(0, 64)}" on site "${siteId}"`);
  return { ...base, agent };
}
