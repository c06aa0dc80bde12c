import type { Hono } from 'hono';
import type { UpgradeWebSocket, WSContext } from 'hono/ws';
import type { Deps } from '../core/deps';
import type { ChatService } from '../conversation/chat';
import { openSocket, type ConversationSocket, type SocketHandle } from '../conversation/socket';
import { checkSite } from './site-access';

/** `GET /v1/ws?site=…`: protocol v1 over a WebSocket, on any runtime Hono upgrades for. */
export function mountWebSocket(app: Hono, deps: Deps, chat: ChatService, upgradeWebSocket: UpgradeWebSocket): void {
  app.get(
    '/v1/ws',
    upgradeWebSocket(async (c) => {
      const check = await checkSite(deps.db, c.req.query('site'), c.req.header('origin'));
      let socket: ConversationSocket | null = null;
      return {
        onOpen(_event, ws) {
          socket = openSocket(handleOf(ws), check, deps.newId('c'), { chat, log: deps.log });
        },
        onMessage(event) {
          void socket?.receive(event.data);
        },
        onClose() {
          socket?.detach();
          socket = null;
        },
      };
    }),
  );
}

function handleOf(ws: WSContext): SocketHandle {
  return {
    send: (text) => ws.send(text),
    close: (code, reason) => ws.close(code, reason),
    isOpen: () => ws.readyState === 1, // the WebSocket standard's OPEN
  };
}
