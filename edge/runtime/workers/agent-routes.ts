/**
 * The inbox on Workers. A conversation's events are numbered in its Durable Object, so what an
 * agent does to it runs there: the Worker checks who is asking (the session cookie, the
 * ticket's site) and hands the write, or the agent's socket, to the object with the checked
 * agent in a header that only the Worker sets (the object is reachable through it alone).
 */
import type { Context, Hono } from 'hono';
import type { Deps } from '../../core/deps';
import type { TicketWrites } from '../../http/agent-api';
import { agentOf, originHost } from '../../http/agent-auth';
import { TicketError, ticketFor, type Actor } from '../../inbox/tickets';
import type { Watch } from '../../inbox/agent-socket';
import { ACTOR_HEADER, ADDRESS_HEADER, SESSION_HEADER, SITE_HEADER, TICKETS_PATH, WATCH_HEADER } from './internal';
import type { WorkerEnv } from './deps';
import { upgradeResponse, webSocketPair } from './platform';
import { socketHandle } from './sockets';
import { CLOSE_FORBIDDEN } from '@support-chat/protocol';


function toObject(env: WorkerEnv, session: string, siteId: string, url: string, init: RequestInit & { headers: Headers }): Promise<Response> {
  init.headers.set(SESSION_HEADER, session);
  init.headers.set(SITE_HEADER, siteId);
  const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(session));
  return stub.fetch(new Request(url, init));
}

export function ticketWritesVia(env: WorkerEnv): TicketWrites {
  return {
    async forward(ticket, request, actor) {
      const path = new URL(request.url).pathname.split('/');
      const [id, action] = [path.at(-2)!, path.at(-1)!];
      const headers = new Headers({ 'content-type': 'application/json', [ACTOR_HEADER]: JSON.stringify(actor) });
      const body = await request.text();
      const res = await toObject(env, ticket.conversationId, ticket.siteId, `https://object${TICKETS_PATH}${encodeURIComponent(id)}/${action}`, { method: 'POST', headers, body });
      return new Response(res.body, res);
    },
  };
}

/** `GET /agent/ws?ticket=…`: checked here, then held by the conversation's object like the visitor's sockets. */
export function mountAgentSocketRoute(root: Hono, deps: Deps, env: WorkerEnv): void {
  root.get('/agent/ws', async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return c.json({ error: { code: 'invalid_request', message: 'this endpoint speaks WebSocket only' } }, 426);
    }
    const refused = await check(deps, c);
    if ('code' in refused) {
      const { client, server } = webSocketPair();
      server.accept();
      const handle = socketHandle(server);
      handle.send(JSON.stringify({ type: 'error', ...refused }));
      handle.close(CLOSE_FORBIDDEN, refused.code);
      return upgradeResponse(client);
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set(WATCH_HEADER, JSON.stringify(refused));
    headers.delete(ADDRESS_HEADER);
    return toObject(env, refused.session, refused.siteId, c.req.url, { method: 'GET', headers });
  });
}

async function check(deps: Deps, c: Context): Promise<{ code: string; message: string } | (Watch & { siteId: string })> {
  const origin = c.req.header('origin');
  if (origin && originHost(origin) !== new URL(c.req.url).host) return { code: 'forbidden_origin', message: 'the inbox opens this socket from its own pages' };
  const agent = await agentOf(deps, c);
  if (!agent) return { code: 'session_expired', message: 'sign in again' };
  try {
    const ticket = await ticketFor(deps, c.req.query('ticket') ?? '', agent.siteId);
    return { ticket: ticket.id, session: ticket.conversationId, agent: { id: agent.id, name: agent.name }, siteId: ticket.siteId };
  } catch (err) {
    if (err instanceof TicketError) return { code: err.code, message: err.message };
    throw err;
  }
}

export type { Actor };
