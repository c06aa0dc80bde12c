/**
 * `GET /agent/ws?ticket=…` on Node: a signed-in agent watches the ticket's conversation live
 * (inbox/agent-socket.ts). The session cookie signs the socket in; a page of another origin
 * cannot open it (its Origin is refused, as the API's writes refuse it).
 */
import type { Hono } from 'hono';
import type { UpgradeWebSocket, WSContext } from 'hono/ws';
import { CLOSE_FORBIDDEN } from '@support-chat/protocol';
import type { Deps } from '../core/deps';
import type { SessionEvents } from '../conversation/session-log';
import type { SocketHandle } from '../conversation/socket';
import { AgentSocket } from '../inbox/agent-socket';
import { notePresence } from '../inbox/presence';
import { TicketError, ticketFor } from '../inbox/tickets';
import { agentOf, originHost } from './agent-auth';

export function mountAgentSocket(app: Hono, deps: Deps, log: SessionEvents, upgradeWebSocket: UpgradeWebSocket): void {
  app.get(
    '/agent/ws',
    upgradeWebSocket(async (c) => {
      const refused = await (async (): Promise<{ code: string; message: string } | AgentSocketArgs> => {
        const origin = c.req.header('origin');
        if (origin && originHost(origin) !== c.req.header('host')) return { code: 'forbidden_origin', message: 'the inbox opens this socket from its own pages' };
        const agent = await agentOf(deps, c);
        if (!agent) return { code: 'session_expired', message: 'sign in again' };
        try {
          const ticket = await ticketFor(deps, c.req.query('ticket') ?? '', agent.siteId);
          return { watch: { ticket: ticket.id, session: ticket.conversationId, agent: { id: agent.id, name: agent.name } } };
        } catch (err) {
          if (err instanceof TicketError) return { code: err.code, message: err.message };
          throw err;
        }
      })();
      let socket: AgentSocket | null = null;
      return {
        onOpen(_event, ws) {
          const handle = handleOf(ws);
          if ('code' in refused) {
            handle.send(JSON.stringify({ type: 'error', ...refused }));
            return handle.close(CLOSE_FORBIDDEN, refused.code);
          }
          const agentId = refused.watch.agent.id;
          socket = new AgentSocket(handle, log, refused.watch, deps.newId('c'), () => notePresence(deps, agentId));
          socket.open().catch((err) => {
            deps.log.error('agent socket could not open', { ticket: refused.watch.ticket, error: String(err) });
            handle.close(1013, 'try again');
          });
        },
        onMessage(event) {
          socket?.receive(event.data);
        },
        onClose() {
          socket?.close();
          socket = null;
        },
      };
    }),
  );
}

interface AgentSocketArgs {
  watch: ConstructorParameters<typeof AgentSocket>[2];
}

function handleOf(ws: WSContext): SocketHandle {
  return {
    send: (text) => ws.send(text),
    close: (code, reason) => ws.close(code, reason),
    isOpen: () => ws.readyState === 1,
  };
}
