import type { Hono } from 'hono';
import type { UpgradeWebSocket, WSContext } from 'hono/ws';
import type { Deps } from '../core/deps';
import type { ChatService } from '../conversation/chat';
import { CLOSE_TRY_AGAIN } from '@support-chat/protocol';
import { error } from '../conversation/errors';
import { openSocket, sendFrame, type ConversationSocket, type SocketHandle } from '../conversation/socket';
import type { AddressOf } from './client-address';
import { checkSite } from './site-access';

/**
 * `GET /v1/ws?site=…`: protocol v1 over a WebSocket, on any runtime Hono upgrades for (Node;
 * the Worker hands sockets to Durable Objects). One address holds at most
 * `limits.socketsPerAddress` sockets in this process: more are told so and closed.
 */
export function mountWebSocket(app: Hono, deps: Deps, chat: ChatService, upgradeWebSocket: UpgradeWebSocket, addressOf: AddressOf = () => undefined): void {
  const perAddress = new Map<string, number>();
  const max = deps.settings.limits?.socketsPerAddress ?? Infinity;
  app.get(
    '/v1/ws',
    upgradeWebSocket(async (c) => {
      const check = await checkSite(deps.db, c.req.query('site'), c.req.header('origin'), { key: c.req.query('key'), authorization: c.req.header('authorization') });
      const address = addressOf(c);
      let socket: ConversationSocket | null = null;
      let counted = false;
      return {
        onOpen(_event, ws) {
          const handle = handleOf(ws);
          if (address !== undefined) {
            const open = perAddress.get(address) ?? 0;
            if (open >= max) {
              deps.metrics?.inc('support_chat_rate_limited_total', { what: 'sockets' });
              sendFrame(handle, error('rate_limited', `too many open connections from one address (at most ${max})`, undefined, 30));
              return handle.close(CLOSE_TRY_AGAIN, 'too many connections');
            }
            perAddress.set(address, open + 1);
            counted = true;
          }
          socket = openSocket(handle, check, deps.newId('c'), { chat, log: deps.log }, address);
          deps.metrics?.add('support_chat_sockets_open', {}, 1);
        },
        onMessage(event) {
          void socket?.receive(event.data);
        },
        onClose() {
          if (socket) deps.metrics?.add('support_chat_sockets_open', {}, -1);
          socket?.detach();
          socket = null;
          if (counted && address !== undefined) {
            counted = false;
            const left = (perAddress.get(address) ?? 1) - 1;
            if (left > 0) perAddress.set(address, left);
            else perAddress.delete(address);
          }
        },
      };
    }),
  );
}

function handleOf(ws: WSContext): SocketHandle {
  const batch = batcherOf(ws.raw);
  return {
    send: (text) => {
      batch?.();
      ws.send(text);
    },
    close: (code, reason) => ws.close(code, reason),
    isOpen: () => ws.readyState === 1, // the WebSocket standard's OPEN
  };
}

/** The part of Node's `ws` socket a batch needs; absent on other runtimes. */
interface Corkable {
  _socket?: { cork(): void; uncork(): void };
}

/**
 * On Node, frames sent in one turn of the event loop go out in one write: an answer's frames
 * come in bursts (ack; start and first words; last words and end), and each write is a system
 * call that cost more than building the frame. The socket is corked at the first frame and
 * uncorked once the turn's I/O is done, so nothing waits longer than that turn.
 */
export function batcherOf(raw: unknown): (() => void) | null {
  const socket = (raw as Corkable | undefined)?._socket;
  if (!socket || typeof socket.cork !== 'function') return null;
  let corked = false;
  return () => {
    if (corked) return;
    corked = true;
    socket.cork();
    setImmediate(() => {
      corked = false;
      socket.uncork();
    });
  };
}
