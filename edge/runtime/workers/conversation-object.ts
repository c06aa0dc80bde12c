/**
 * One conversation = one Durable Object, named by the conversation's id. It holds the
 * conversation's sockets with the hibernation API (`acceptWebSocket`): between events the
 * object may leave memory while the sockets stay open, and what a socket must remember (its
 * site and session) is its attachment. Frames go to the same ChatService as on Node, with the
 * session log in the object's own storage; the HTTP twins (POST /v1/chat) of this
 * conversation run here too, so every turn of a conversation is numbered in one place.
 */
import { Hono } from 'hono';
import { MAX_FRAME_BYTES, parseClientFrame, type ServerFrame } from '../../../sdk/protocol';
import { ChatService, error, type Peer } from '../../conversation/chat';
import type { Connection } from '../../conversation/connection';
import { randomId } from '../../core/ids';
import type { Logger } from '../../core/ports';
import { mountChatHttp } from '../../http/chat';
import type { ErrorReporter } from '../../ops/errors';
import type { OpenedNeon } from '../../stores/db/neon';
import { LingeringConnection } from './connections';
import { connectNeon, depsOver, isolateParts, type WorkerEnv } from './deps';
import { DurableSessionEvents } from './durable-events';
import { closeCode, OPEN, upgradeResponse, webSocketPair, type CfWebSocket, type DurableObjectState } from './platform';
import { reported, reporterFor } from './reporting';

/** Set by the Worker, which routed the request here: the conversation id and the checked site. */
export const SESSION_HEADER = 'x-support-chat-session';
export const SITE_HEADER = 'x-support-chat-site';

/** How long Postgres stays connected after the object's last work: then it can hibernate. */
const POSTGRES_LINGER_MS = 2000;

/** What a socket keeps through hibernation (its attachment). */
interface SocketState {
  conn: string;
  site: string;
  /** This object's name: the id a new conversation on this socket takes. */
  assigned: string;
  session: string | null;
  locale?: string;
}

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
  private readonly peers = new Map<string, Peer>();
  private readonly states = new WeakMap<CfWebSocket, SocketState>();
  /** Frames of one socket are handled in order, as on Node. */
  private readonly chains = new Map<string, Promise<void>>();

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
      this.save(server, { conn: randomId('c'), site, assigned: name, session: null });
      return upgradeResponse(client);
    });
  }

  async webSocketMessage(ws: CfWebSocket, message: string | ArrayBuffer): Promise<void> {
    const state = this.stateOf(ws);
    if (!state) return ws.close(1011, 'lost its state');
    const live = this.start(state.assigned);
    if (typeof message !== 'string') return send(ws, error('invalid_message', 'frames must be JSON text, not binary'));
    if (message.length > MAX_FRAME_BYTES) return send(ws, error('too_long', `frame exceeds ${MAX_FRAME_BYTES} bytes`));
    const parsed = parseClientFrame(message);
    if (!parsed.ok) return send(ws, parsed.error);

    const peer = this.peerOf(ws, state);
    await live.postgres.during(async () => {
      const run = (this.chains.get(state.conn) ?? Promise.resolve())
        .then(async () => {
          await live.chat.handle(peer, parsed.frame);
          if (peer.session !== state.session || peer.locale !== state.locale) this.save(ws, { ...state, session: peer.session, locale: peer.locale });
        })
        .catch((err) => {
          live.log.error('frame failed', { type: parsed.frame.type, error: String(err) });
          live.reporter.capture(err, { stage: `do.ws.${parsed.frame.type}`, site: state.site });
          send(ws, error('unavailable', 'the server could not handle that just now; please retry'));
        });
      this.chains.set(state.conn, run);
      await run;
      if (this.chains.get(state.conn) === run) this.chains.delete(state.conn);
      // A message's answer runs on after handle() returns: keeping this event open until it ends
      // keeps the object in memory for it (an object hibernates only between events).
      if (peer.session) await live.chat.idle(peer.session);
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
    http.onError((err, c) => {
      reporter.capture(err, { stage: 'do.http', request: { method: c.req.method, url: c.req.url } });
      parts.base.log.error('request failed', { path: c.req.path, error: String(err) });
      return c.json({ error: { code: 'internal', message: 'something went wrong on our side' } }, 500);
    });
    mountChatHttp(http, deps, chat);
    parts.base.log.info('conversation object started', { session: name, sockets: this.ctx.getWebSockets().length });
    this.live = { chat, postgres, http, reporter, log: parts.base.log };
    return this.live;
  }

  private stateOf(ws: CfWebSocket): SocketState | null {
    let state = this.states.get(ws);
    if (!state) {
      state = (ws.deserializeAttachment() as SocketState | null) ?? undefined;
      if (state) this.states.set(ws, state);
    }
    return state ?? null;
  }

  private save(ws: CfWebSocket, state: SocketState): void {
    ws.serializeAttachment(state);
    this.states.set(ws, state);
  }

  /** The socket's peer; after hibernation it is rebuilt from the socket's attachment. */
  private peerOf(ws: CfWebSocket, state: SocketState): Peer {
    let peer = this.peers.get(state.conn);
    if (!peer) {
      peer = { conn: { id: state.conn, send: (f) => send(ws, f) }, siteId: state.site, session: state.session, locale: state.locale, assignedSession: state.assigned };
      this.peers.set(state.conn, peer);
    }
    return peer;
  }

  private helloedSockets(): Connection[] {
    const out: Connection[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const state = this.stateOf(ws);
      if (state?.session) out.push({ id: state.conn, send: (f) => send(ws, f) });
    }
    return out;
  }

  private forget(ws: CfWebSocket): void {
    const state = this.stateOf(ws);
    if (!state) return;
    const peer = this.peers.get(state.conn);
    if (peer) this.live?.chat.detach(peer);
    this.peers.delete(state.conn);
    this.chains.delete(state.conn);
  }
}

function send(ws: CfWebSocket, frame: ServerFrame): void {
  // A frame for a closing socket is dropped; the client resumes with `after`.
  if (ws.readyState === OPEN) ws.send(JSON.stringify(frame));
}
