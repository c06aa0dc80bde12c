import { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { Deps } from './core/deps';
import { ChatService } from './conversation/chat';
import { mountAdmin } from './http/admin';
import { preflight, siteCors } from './http/cors';
import { mountChatHttp } from './http/chat';
import { mountHealth } from './http/health';
import { answerErrors } from './http/internal-error';
import { securityHeaders } from './http/security-headers';
import { mountWebSocket } from './http/ws';

export interface AppRuntime {
  /** The runtime's WebSocket upgrade (Node: @hono/node-ws; Workers forward to a Durable Object). */
  upgradeWebSocket?: UpgradeWebSocket;
}

/** The runtime-agnostic application: every runtime entry builds `deps` once and serves this. */
export function createApp(deps: Deps, runtime: AppRuntime = {}) {
  const app = new Hono();
  const chat = new ChatService(deps);
  answerErrors(app, deps.log);
  app.use('/v1/*', securityHeaders, siteCors(deps.db, () => deps.clock.now()));
  app.options('/v1/*', preflight);
  mountHealth(app, deps, () => chat.isDraining);
  mountAdmin(app, deps);
  mountChatHttp(app, deps, chat);
  if (runtime.upgradeWebSocket) mountWebSocket(app, deps, chat, runtime.upgradeWebSocket);
  return { app, chat };
}
