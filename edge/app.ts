import { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { Deps } from './core/deps';
import { ChatService } from './conversation/chat';
import { mountAdmin } from './http/admin';
import { mountChatHttp } from './http/chat';
import { mountHealth } from './http/health';
import { mountWebSocket } from './http/ws';

export interface AppRuntime {
  /** The runtime's WebSocket upgrade (Node: @hono/node-ws; Workers forward to a Durable Object). */
  upgradeWebSocket?: UpgradeWebSocket;
}

/** The runtime-agnostic application: every runtime entry builds `deps` once and serves this. */
export function createApp(deps: Deps, runtime: AppRuntime = {}) {
  const app = new Hono();
  const chat = new ChatService(deps);
  app.onError((err, c) => {
    deps.log.error('request failed', { path: c.req.path, error: String(err) });
    return c.json({ error: { code: 'internal', message: 'something went wrong on our side' } }, 500);
  });
  app.use('/v1/*', async (c, next) => {
    await next();
    // The widget runs on other sites' pages; origins are checked per site, not by CORS.
    c.header('Access-Control-Allow-Origin', c.req.header('origin') ?? '*');
    c.header('Vary', 'Origin');
  });
  app.options('/v1/*', (c) => {
    c.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    c.header('Access-Control-Allow-Headers', 'Content-Type, Accept');
    c.header('Access-Control-Max-Age', '86400');
    return c.body(null, 204);
  });
  mountHealth(app, deps, () => chat.isDraining);
  mountAdmin(app, deps);
  mountChatHttp(app, deps, chat);
  if (runtime.upgradeWebSocket) mountWebSocket(app, deps, chat, runtime.upgradeWebSocket);
  return { app, chat };
}
