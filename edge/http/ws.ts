import type { Hono } from 'hono';
import type { UpgradeWebSocket, WSContext } from 'hono/ws';
import { CLOSE_FORBIDDEN, CLOSE_RESTARTING, CLOSE_TRY_AGAIN, CLOSE_UNKNOWN_SITE, MAX_FRAME_BYTES, parseClientFrame, type ServerFrame } from '../../sdk/protocol';
import type { Deps } from '../core/deps';
import { error, type ChatService, type Peer } from '../conversation/chat';
import { checkSite } from './site-access';

/** `GET /v1/ws?site=…`: protocol v1 over a WebSocket, on any runtime Hono upgrades for. */
export function mountWebSocket(app: Hono, deps: Deps, chat: ChatService, upgradeWebSocket: UpgradeWebSocket): void {
  app.get(
    '/v1/ws',
    upgradeWebSocket(async (c) => {
      const check = await checkSite(deps.db, c.req.query('site'), c.req.header('origin'));
      let peer: Peer | null = null;
      // Frames of one socket are handled in order: a message must see the session its hello made.
      let chain: Promise<void> = Promise.resolve();
      return {
        onOpen(_event, ws) {
          // Opened while this process stops: the client retries, and lands on one that stays.
          if (chat.isDraining) return ws.close(CLOSE_RESTARTING, 'server restarting');
          if (!check.ok) {
            send(ws, error(check.code, check.message));
            ws.close(check.code === 'forbidden_origin' ? CLOSE_FORBIDDEN : CLOSE_UNKNOWN_SITE, check.code);
            return;
          }
          peer = { conn: { id: deps.newId('c'), send: (f) => send(ws, f) }, siteId: check.site.id, session: null };
        },
        onMessage(event, ws) {
          if (!peer) return;
          const p = peer;
          const raw = typeof event.data === 'string' ? event.data : null;
          if (raw === null) return send(ws, error('invalid_message', 'frames must be JSON text, not binary'));
          if (raw.length > MAX_FRAME_BYTES) return send(ws, error('too_long', `frame exceeds ${MAX_FRAME_BYTES} bytes`));
          const parsed = parseClientFrame(raw);
          if (!parsed.ok) return send(ws, parsed.error);
          chain = chain
            .then(() => chat.handle(p, parsed.frame))
            .catch((err) => {
              deps.log.error('frame failed', { type: parsed.frame.type, error: String(err) });
              // With the message's id the widget keeps it and sends it again shortly.
              const ref = parsed.frame.type === 'message' ? parsed.frame.id : undefined;
              send(ws, error('unavailable', 'the server could not handle that just now; please retry', ref));
              // A socket whose hello failed has no usable session: closed, the widget reconnects
              // with backoff and says hello again, until the stores are back.
              if (parsed.frame.type === 'hello') ws.close(CLOSE_TRY_AGAIN, 'try again later');
            });
        },
        onClose() {
          if (peer) chat.detach(peer);
          peer = null;
        },
      };
    }),
  );
}

function send(ws: WSContext, frame: ServerFrame): void {
  // 1 = OPEN; a frame for a closing socket is dropped, the client resumes with `after`.
  if (ws.readyState === 1) ws.send(JSON.stringify(frame));
}
