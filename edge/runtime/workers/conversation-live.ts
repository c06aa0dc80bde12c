/**
 * What a conversation's Durable Object builds at the first event of each life (a wake from
 * hibernation is a new life): its dependencies over a Postgres connection that lingers a
 * little after the last work, the chat service with the session log in the object's own
 * storage, and the HTTP twins (POST /v1/chat) of this conversation.
 */
import { httpInstrumentationMiddleware } from '@hono/otel';
import { Hono } from 'hono';
import { ChatService } from '../../conversation/chat';
import type { Connection } from '../../conversation/connection';
import { randomId } from '../../core/ids';
import type { Logger } from '../../core/ports';
import { mountChatHttp } from '../../http/chat';
import type { Deps } from '../../core/deps';
import { mountTicketActions } from './ticket-actions';
import { answerErrors } from '../../http/internal-error';
import type { ErrorReporter } from '../../ops/errors';
import type { OpenedNeon } from '../../stores/db/neon';
import { LingeringConnection } from './connections';
import { connectNeon, depsOver, isolateParts, type WorkerEnv } from './deps';
import { DurableSessionEvents } from './durable-events';
import { pendingInObject } from './pending';
import type { DurableObjectState } from './platform';
import { reporterFor } from './reporting';
import { ADDRESS_HEADER } from './internal';


/** How long Postgres stays connected after the object's last work: then it can hibernate. */
const POSTGRES_LINGER_MS = 2000;

export interface LiveConversation {
  chat: ChatService;
  deps: Deps;
  postgres: LingeringConnection<OpenedNeon>;
  http: Hono;
  reporter: ErrorReporter;
  log: Logger;
  /** Sends the spans this object recorded (an answer's trace); nothing without tracing. */
  flushTraces(): Promise<void>;
}

export function startConversation(
  ctx: DurableObjectState,
  env: WorkerEnv,
  name: string,
  sockets: { helloed(): Connection[]; count(): number },
): LiveConversation {
  const parts = isolateParts(env);
  const reporter = reporterFor(parts.config.SENTRY_DSN, ctx);
  // The Worker routed a new conversation here by its future id: it must take this one.
  const newId = (prefix: string) => (prefix === 's' ? name : randomId(prefix));
  const postgres = new LingeringConnection(() => connectNeon(parts), POSTGRES_LINGER_MS);
  // Webhooks go out after the event that raised them: the object stays, with Postgres, until they are sent.
  const background = (work: () => Promise<unknown>) => ctx.waitUntil(postgres.during(work));
  const deps = depsOver(parts, reporter, () => postgres.get(), { newId, background });
  const events = new DurableSessionEvents(ctx.storage.sql, () => deps.db, () => sockets.helloed());
  const chat = new ChatService(deps, events, pendingInObject(ctx.storage.sql));
  const http = new Hono();
  // As in the app: a server span for POST /v1/chat, its answer under it (when tracing is on).
  http.use('*', httpInstrumentationMiddleware({ captureActiveRequests: false }));
  answerErrors(http, parts.base.log, { reporter, stage: 'do.http' });
  mountChatHttp(http, deps, chat, (c) => c.req.header(ADDRESS_HEADER), name);
  mountTicketActions(http, deps, chat.log, name);
  parts.base.log.info('conversation object started', { session: name, sockets: sockets.count() });
  const flushTraces = () => parts.tracing?.flush() ?? Promise.resolve();
  return { chat, deps, postgres, http, reporter, log: parts.base.log, flushTraces };
}
