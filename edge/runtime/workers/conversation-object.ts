/**
 * One conversation = one Durable Object, named by the conversation's id. It holds the
 * conversation's sockets with the hibernation API: between events the object may leave memory
 * while the sockets stay open (see sockets.ts). Frames go to the same socket handler as on
 * Node (conversation/socket.ts); the HTTP twins of this conversation run here too, so every
 * turn of a conversation is numbered in one place.
 */
import { randomId } from '../../core/ids';
import { startConversation, type LiveConversation } from './conversation-live';
import type { WorkerEnv } from './deps';
import { closeCode, upgradeResponse, webSocketPair, type CfWebSocket, type DurableObjectState } from './platform';
import { reported } from './reporting';
import { HibernatingSockets, socketHandle } from './sockets';
import { receiveAgentFrame, type Watch } from '../../inbox/agent-socket';
import { notePresence } from '../../inbox/presence';
import { ADDRESS_HEADER, ERASE_PATH, SESSION_HEADER, SITE_HEADER, WATCH_HEADER } from './internal';

export class ConversationObject {
  private live: LiveConversation | null = null;
  /** When each agent socket last said it was typing (throttled); lost with hibernation, harmlessly. */
  private readonly typing = new Map<string, { at: number }>();
  private readonly sockets: HibernatingSockets;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: WorkerEnv,
  ) {
    this.sockets = new HibernatingSockets(ctx);
  }

  async fetch(request: Request): Promise<Response> {
    const name = request.headers.get(SESSION_HEADER);
    const site = request.headers.get(SITE_HEADER);
    if (!name || !site) return new Response('conversations are reached through the Worker', { status: 400 });
    if (new URL(request.url).pathname === ERASE_PATH && request.method === 'DELETE') return this.erase();
    const live = this.start(name);
    return reported(live.reporter, { stage: 'do.fetch', request: { method: request.method, url: request.url }, site }, async () => {
      if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
        const watch = request.headers.get(WATCH_HEADER);
        if (watch) return this.watch(live, name, site, JSON.parse(watch) as Watch);
        const { client, server } = webSocketPair();
        const address = request.headers.get(ADDRESS_HEADER);
        this.sockets.accept(server, { conn: randomId('c'), site, assigned: name, session: null, ...(address ? { address } : {}) });
        return upgradeResponse(client);
      }
      return live.postgres.during(async () => {
        const res = await live.http.fetch(request);
        // An SSE answer streams on after the response starts: Postgres stays until it ends.
        this.ctx.waitUntil(live.postgres.during(() => live.chat.idle(name)).finally(() => live.flushTraces()));
        return res;
      });
    });
  }

  async webSocketMessage(ws: CfWebSocket, message: string | ArrayBuffer): Promise<void> {
    const state = this.sockets.attachment(ws);
    if (!state) return ws.close(1011, 'lost its state');
    const live = this.start(state.assigned);
    if (state.watch) {
      const typing = this.typing.get(state.conn) ?? { at: 0 };
      this.typing.set(state.conn, typing);
      if (receiveAgentFrame(message, socketHandle(ws), live.chat.log, state.watch, typing)) notePresence(live.deps, state.watch.agent.id);
      return;
    }
    const socket = this.sockets.handler(ws, state, {
      chat: live.chat,
      log: live.log,
      onError: (err, frame) => live.reporter.capture(err, { stage: `do.ws.${frame.type}`, site: state.site }),
    });
    await live.postgres.during(async () => {
      await socket.receive(message);
      // The answer runs on after its frame is handled: an object hibernates only between
      // events, so keeping this one open until the answer ends keeps the object in memory.
      if (socket.session) await live.chat.idle(socket.session);
    });
    // The answer's trace goes out once it has ended, after the visitor has it.
    this.ctx.waitUntil(live.flushTraces());
  }

  async webSocketClose(ws: CfWebSocket, code: number, reason: string): Promise<void> {
    this.typing.delete(this.sockets.attachment(ws)?.conn ?? '');
    this.sockets.forget(ws);
    try {
      ws.close(closeCode(code), reason);
    } catch {
      // Already closed from this side (or answered by the runtime): nothing left to do.
    }
  }

  async webSocketError(ws: CfWebSocket): Promise<void> {
    this.sockets.forget(ws);
  }

  /**
   * An agent's socket (checked by the Worker): it hears every event of the conversation, as the
   * visitor's sockets do, from the moment it is accepted; `watching` gives the number it starts at.
   */
  private async watch(live: LiveConversation, name: string, site: string, watch: Watch): Promise<Response> {
    const { client, server } = webSocketPair();
    this.sockets.accept(server, { conn: randomId('c'), site, assigned: name, session: name, watch });
    const seq = await live.postgres.during(() => live.chat.log.load(name));
    socketHandle(server).send(JSON.stringify({ type: 'watching', ticket: watch.ticket, session: name, seq }));
    notePresence(live.deps, watch.agent.id);
    return upgradeResponse(client);
  }

  /** Erasure: the sockets are closed and everything the object stored (its events) is deleted. */
  private async erase(): Promise<Response> {
    for (const ws of this.ctx.getWebSockets()) {
      this.sockets.forget(ws);
      try {
        ws.close(1000, 'conversation erased');
      } catch {
        // Already closing.
      }
    }
    await this.ctx.storage.deleteAll();
    this.live = null;
    return new Response(null, { status: 204 });
  }

  private start(name: string): LiveConversation {
    return (this.live ??= startConversation(this.ctx, this.env, name, this.sockets));
  }
}
