/**
 * An agent's write to this conversation's ticket, inside its Durable Object: the Worker checked
 * the agent and the ticket's site and says who it is in ACTOR_HEADER; here it is stored and
 * told through the object's own log, the one every socket of the conversation hears.
 */
import type { Hono } from 'hono';
import type { Deps } from '../../core/deps';
import type { SessionEvents } from '../../conversation/session-log';
import { act, fail, type TicketAction } from '../../http/agent-api';
import { TicketError, type Actor } from '../../inbox/tickets';
import { ACTOR_HEADER, TICKETS_PATH } from './internal';

const ACTIONS: readonly TicketAction[] = ['assign', 'reply', 'close'];

export function mountTicketActions(http: Hono, deps: Deps, log: SessionEvents, conversationId: string): void {
  http.post(`${TICKETS_PATH}:id/:action`, async (c) => {
    const action = c.req.param('action') as TicketAction;
    const raw = c.req.header(ACTOR_HEADER);
    if (!raw || !ACTIONS.includes(action)) return c.json({ error: { code: 'invalid_request', message: 'not an agent write' } }, 400);
    const actor = JSON.parse(raw) as Actor;
    const ticket = await deps.db.tickets.get(c.req.param('id'));
    if (!ticket || ticket.conversationId !== conversationId || (actor.agent && ticket.siteId !== actor.agent.siteId)) {
      return fail(c, new TicketError('not_found', `no ticket "${c.req.param('id').slice(0, 64)}"`));
    }
    return act(c, deps, log, ticket, actor, action);
  });
}
