/**
 * One conversation = one Durable Object, named by the conversation's id. It holds the
 * conversation's sockets with the hibernation API (`acceptWebSocket`): between events the
 * object may leave memory while the sockets stay open, and what a socket must remember (its
 * site and session) is its attachment. Frames go to the same ChatService as on Node, with the
 * session log in the object's own storage; the HTTP twins (POST /v1/chat) of this
 * conversation run here too, so every turn of a conversation is numbered in one place.
 */
import { Hono } from 'hono';
import { ChatService } from '../../conversation/chat';
import type { Connection } from '../../conversation/connection';
import { ConversationSocket, sendFrame } from '../../conversation/socket';
import { randomId } from '../../core/ids';
import type { Logger } from '../../core/ports';
import { mountChatHttp } from '../../http/chat';
import { answerErrors } from '../../http/internal-error';
import type { ErrorReporter } from '../../ops/errors';
import type { OpenedNeon } from '../../stores/db/neon';
import { LingeringConnection } from './connections';
import { connectNeon, depsOver, isolateParts, type WorkerEnv } from './deps';
import { DurableSessionEvents } from './durable-events';
import { closeCode, upgradeResponse, webSocketPair, type CfWebSocket, type DurableObjectState } from './platform';
import { reported, reporterFor } from './reporting';
import { Attachments, socketHandle, type Attachment } from './sockets';

/** Set by the Worker, which routed the request here: the conversation id and the checked site. */
export const SESSION_HEADER = 'x-support-chat-session';
export const SITE_HEADER = 'x-support-chat-site';

/** How long Postgres stays connected after the object's last work: then it can hibernate. */
const POSTGRES_LINGER_MS = 2000;

interface Live {
  chat: ChatService;
  postgres: LingeringConnection<OpenedNeon>;
  http: Hono;
  reporter: ErrorReporter;
  log: Logger;
}

export class ConversationObject {
  /** Built by the first event of each life of the object (a wake from hibernation is a new life). */
  private live: Live | null = null;
  private readonly attachments = new Attachments();
  /** By connection id; after hibernation each is built anew from its socket's attachment. */
  private readonly sockets = new Map<string, ConversationSocket>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: WorkerEnv,
  ) {}

  async fetch(request: Request): Promise<Response> {
    const name = request.headers.get(SESSION_HEADER);
    const site = request.headers.get(SITE_HEADER);
    if (!name || !site) return new Response('conversations are reached through the Worker', { status: 400 });
    const live = this.start(name);
    return reported(live.reporter, { stage: 'do.fetch', request: { method: request.method, url: request.url }, site }, async () => {
      if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
        return live.postgres.during(async () => {
          const res = await live.http.fetch(request);
          // An SSE answer streams on after the response starts: Postgres stays until it ends.
          this.ctx.waitUntil(live.postgres.during(() => live.chat.idle(name)));
          return res;
        });
      }
      const { client, server } = webSocketPair();
      this.ctx.acceptWebSocket(server);
      this.attachments.save(server, { conn: randomId('c'), site, assigned: name, session: null });
      return upgradeResponse(client);
    });
  }

  async webSocketMessage(ws: CfWebSocket, message: string | ArrayBuffer): Promise<void> {
    const state = this.attachments.of(ws);
    if (!state) return ws.close(1011, 'lost its state');
    const live = this.start(state.assigned);
    const socket = this.socketOf(ws, state, live);
    await live.postgres.during(async () => {
      await socket.receive(message);
      // A message's answer runs on after its frame is handled: keeping this event open until it
      // ends keeps the object in memory for it (an object hibernates only between events).
      if (socket.session) await live.chat.idle(socket.session);
    });
  }

  async webSocketClose(ws: CfWebSocket, code: number, reason: string): Promise<void> {
    this.forget(ws);
    try {
      ws.close(closeCode(code), reason);
    } catch {
      // Already closed from this side (or answered by the runtime): nothing left to do.
    }
  }

  async webSocketError(ws: CfWebSocket): Promise<void> {
    this.forget(ws);
  }

  private start(name: string): Live {
    if (this.live) return this.live;
    const parts = isolateParts(this.env);
    const reporter = reporterFor(parts.config.SENTRY_DSN, this.ctx);
    // The Worker routed a new conversation here by its future id: it must take this one.
    const newId = (prefix: string) => (prefix === 's' ? name : randomId(prefix));
    const postgres = new LingeringConnection(() => connectNeon(parts), POSTGRES_LINGER_MS);
    const deps = depsOver(parts, reporter, () => postgres.get(), { newId });
    const events = new DurableSessionEvents(this.ctx.storage.sql, () => deps.db, () => this.helloedSockets());
    const chat = new ChatService(deps, events);
    const http = new Hono();
    answerErrors(http, parts.base.log, { reporter, stage: 'do.http' });
    mountChatHttp(http, deps, chat);
    parts.base.log.info('conversation object started', { session: name, sockets: this.ctx.getWebSockets().length });
    this.live = { chat, postgres, http, reporter, log: parts.base.log };
    return this.live;
  }

  /** The socket's conversation side; its attachment follows the session and locale, to outlive hibernation. */
  private socketOf(ws: CfWebSocket, state: Attachment, live: Live): ConversationSocket {
    let socket = this.sockets.get(state.conn);
    if (!socket) {
      socket = new ConversationSocket(socketHandle(ws), state, {
        chat: live.chat,
        log: live.log,
        onError: (err, frame) => live.reporter.capture(err, { stage: `do.ws.${frame.type}`, site: state.site }),
        onState: (next) => this.attachments.save(ws, { ...next, assigned: state.assigned }),
      });
      this.sockets.set(state.conn, socket);
    }
    return socket;
  }

  private helloedSockets(): Connection[] {
    const out: Connection[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const state = this.attachments.of(ws);
      if (state?.session) out.push({ id: state.conn, send: (f) => sendFrame(socketHandle(ws), f) });
    }
    return out;
  }

  private forget(ws: CfWebSocket): void {
    const state = this.attachments.of(ws);
    if (!state) return;
    this.sockets.get(state.conn)?.detach();
    this.sockets.delete(state.conn);
  }
}
