import { httpInstrumentationMiddleware } from '@hono/otel';
import { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { Deps } from './core/deps';
import { ChatService } from './conversation/chat';
import { mountAdmin } from './http/admin';
import { mountAdminAgents } from './http/admin-agents';
import { mountAdminConversations } from './http/admin-conversations';
import { mountAdminDocuments } from './http/admin-documents';
import { mountAdminInsights } from './http/admin-insights';
import { mountAdminIntents } from './http/admin-intents';
import { mountAdminSites } from './http/admin-sites';
import { mountAdminWebhooks } from './http/admin-webhooks';
import { mountAgentApi, type TicketWrites } from './http/agent-api';
import { mountAppPages } from './http/app-pages';
import { mountAdminTickets } from './http/admin-tickets';
import { mountAgentAuth } from './http/agent-auth';
import { mountAgentSocket } from './http/agent-ws';
import { preflight, siteCors } from './http/cors';
import { mountChatHttp } from './http/chat';
import { mountHealth } from './http/health';
import { mountMetrics, type MetricsExport } from './http/metrics';
import { mountSessions } from './http/sessions';
import type { AddressOf } from './http/client-address';
import { answerErrors } from './http/internal-error';
import { mountVisitors, type VisitorRuntime } from './http/visitors';
import { requestLog } from './http/request-log';
import { securityHeaders } from './http/security-headers';
import { mountWebSocket } from './http/ws';

export interface AppRuntime {
  /** The runtime's WebSocket upgrade (Node: @hono/node-ws; Workers forward to a Durable Object). */
  upgradeWebSocket?: UpgradeWebSocket;
  /** Who is calling, for per-address limits; unknown (no such limits) when absent. */
  clientAddress?: AddressOf;
  /** Storage a conversation has in the runtime itself (a Durable Object's), for erasure. */
  eraseConversation?: VisitorRuntime['eraseConversation'];
  /** Where agents' writes to a conversation go: its Durable Object on Workers; unset, this process's log. */
  ticketWrites?: TicketWrites;
  /** `/metrics` (Prometheus text) for a scraper holding `token`; off where unset (Workers). */
  metrics?: { token?: string; exporter: MetricsExport };
}

/** The runtime-agnostic application: every runtime entry builds `deps` once and serves this. */
export function createApp(deps: Deps, runtime: AppRuntime = {}) {
  const app = new Hono();
  const chat = new ChatService(deps);
  // One server span per request, parent of an answer's spans (core/tracing.ts); it records
  // only where the runtime registered a tracer provider (Node with OTEL_EXPORTER_OTLP_ENDPOINT).
  app.use('*', httpInstrumentationMiddleware({ captureActiveRequests: false }));
  app.use('*', ...requestLog(deps.log, () => deps.clock.now()));
  answerErrors(app, deps.log);
  app.use('/v1/*', securityHeaders, siteCors(deps.db, () => deps.clock.now()));
  app.options('/v1/*', preflight);
  app.use('/agent/*', securityHeaders);
  mountHealth(app, deps, () => chat.isDraining);
  mountMetrics(app, runtime.metrics?.token, runtime.metrics?.exporter);
  mountAdmin(app, deps, runtime.clientAddress);
  mountAdminAgents(app, deps);
  mountAdminSites(app, deps, runtime.eraseConversation);
  mountAdminIntents(app, deps);
  mountAdminWebhooks(app, deps);
  mountAdminDocuments(app, deps);
  mountAdminConversations(app, deps);
  mountAdminInsights(app, deps);
  mountAgentAuth(app, deps, runtime.clientAddress);
  mountAppPages(app);
  const ticketWrites = runtime.ticketWrites ?? { log: chat.log };
  mountAgentApi(app, deps, ticketWrites, runtime.clientAddress);
  mountAdminTickets(app, deps, ticketWrites);
  mountVisitors(app, deps, { eraseConversation: runtime.eraseConversation });
  mountChatHttp(app, deps, chat, runtime.clientAddress);
  mountSessions(app, deps, runtime.eraseConversation);
  if (runtime.upgradeWebSocket) {
    mountWebSocket(app, deps, chat, runtime.upgradeWebSocket, runtime.clientAddress);
    mountAgentSocket(app, deps, chat.log, runtime.upgradeWebSocket);
  }
  return { app, chat };
}
