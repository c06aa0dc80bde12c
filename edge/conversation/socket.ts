/**
 * Protocol v1 over one WebSocket, whatever runtime holds the socket: the Node route
 * (edge/http/ws.ts) and the Durable Object (edge/runtime/workers/conversation-object.ts) only
 * wire theirs to this, so both refuse, order and answer frames the same way.
 */
import {
  CLOSE_FORBIDDEN,
  CLOSE_RESTARTING,
  CLOSE_TOO_BIG,
  CLOSE_TRY_AGAIN,
  CLOSE_UNKNOWN_SITE,
  exceedsFrameBytes,
  MAX_FRAME_BYTES,
  parseClientFrame,
  type ClientFrame,
  type ServerFrame,
} from '@support-chat/protocol';
import type { Logger } from '../core/ports';
import type { SiteCheck } from '../http/site-access';
import type { ChatService } from './chat';
import type { Peer } from './connection';
import { error, UnknownSession } from './errors';
import { RateLimited } from './limits';

/** The runtime's socket, as much of it as a conversation needs. */
export interface SocketHandle {
  send(text: string): void;
  close(code: number, reason: string): void;
  isOpen(): boolean;
}

/** A frame as the runtime received it: text, or binary (refused: the protocol is JSON text). */
export type RawFrame = string | ArrayBufferLike | ArrayBufferView | Blob;

/**
 * What the conversation side of a socket must remember. A runtime that can forget its sockets'
 * objects (a Durable Object hibernates) keeps this with the socket and builds the handler anew
 * from it. The names are those of attachments already stored: keep them.
 */
export interface SocketState {
  conn: string;
  site: string;
  session: string | null;
  locale?: string;
  /** Set where the router chose the conversation before the socket opened: the id a new one takes. */
  assigned?: string;
  /** The client's address, for per-address limits. */
  address?: string;
}

export interface SocketOptions {
  chat: Pick<ChatService, 'handle' | 'detach'>;
  log: Logger;
  /** A frame failed (it is logged and answered already): for a runtime that reports errors itself. */
  onError?(err: unknown, frame: ClientFrame): void;
  /** The session or locale changed: for a runtime that keeps `SocketState` through hibernation. */
  onState?(state: SocketState): void;
}

export class ConversationSocket {
  private readonly peer: Peer;
  private state: SocketState;
  /** Frames of one socket are handled in order: a message must see the session its hello made. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: SocketHandle,
    state: SocketState,
    private readonly opts: SocketOptions,
  ) {
    this.state = state;
    this.peer = {
      conn: { id: state.conn, send: (f) => sendFrame(socket, f) },
      siteId: state.site,
      session: state.session,
      locale: state.locale,
      assignedSession: state.assigned,
      address: state.address,
    };
  }

  get session(): string | null {
    return this.peer.session;
  }

  /**
   * Takes one frame. Settles (never rejects) once this frame is handled; an answer it started
   * may still be streaming (`ChatService.idle` says when that ends). A frame that cannot be read
   * is answered at once, ahead of frames still being handled, and costs nothing else.
   */
  receive(raw: RawFrame): Promise<void> {
    if (typeof raw !== 'string') return this.reply(error('invalid_message', 'frames must be JSON text, not binary'));
    if (exceedsFrameBytes(raw)) {
      this.socket.close(CLOSE_TOO_BIG, `frame exceeds ${MAX_FRAME_BYTES} bytes`);
      return Promise.resolve();
    }
    const parsed = parseClientFrame(raw);
    if (!parsed.ok) return this.reply(parsed.error);
    const frame = parsed.frame;
    this.tail = this.tail.then(() => this.handle(frame));
    return this.tail;
  }

  /** The socket closed: its session stops sending to it. */
  detach(): void {
    this.opts.chat.detach(this.peer);
  }

  private async handle(frame: ClientFrame): Promise<void> {
    try {
      await this.opts.chat.handle(this.peer, frame);
      const { session, locale } = this.peer;
      if (session !== this.state.session || locale !== this.state.locale) {
        this.state = { ...this.state, session, locale };
        this.opts.onState?.(this.state);
      }
    } catch (err) {
      if (err instanceof UnknownSession) {
        // The widget forgets the session and comes back without it, to a new conversation.
        sendFrame(this.socket, error('unknown_session', err.message));
        this.socket.close(CLOSE_TRY_AGAIN, 'unknown session');
        return;
      }
      if (err instanceof RateLimited) {
        sendFrame(this.socket, error('rate_limited', err.message, frame.type === 'message' ? frame.id : undefined, err.retryAfter));
        // A hello refused leaves the socket without a session: the widget comes back later.
        if (frame.type === 'hello') this.socket.close(CLOSE_TRY_AGAIN, 'rate limited');
        return;
      }
      this.opts.log.error('frame failed', { type: frame.type, error: String(err) });
      this.opts.onError?.(err, frame);
      // With the message's id the widget keeps it and sends it again shortly.
      const ref = frame.type === 'message' ? frame.id : undefined;
      sendFrame(this.socket, error('unavailable', 'the server could not handle that just now; please retry', ref));
      // A socket whose hello failed has no usable session: closed, the widget reconnects with
      // backoff and says hello again, until the stores are back.
      if (frame.type === 'hello') this.socket.close(CLOSE_TRY_AGAIN, 'try again later');
    }
  }

  private reply(frame: ServerFrame): Promise<void> {
    sendFrame(this.socket, frame);
    return Promise.resolve();
  }
}

/**
 * The conversation side of a socket just opened, or null when it may not talk (the socket is
 * then told why and closed). `conn` names the new connection.
 */
export function openSocket(
  socket: SocketHandle,
  check: SiteCheck,
  conn: string,
  opts: SocketOptions & { chat: Pick<ChatService, 'isDraining'> },
  address?: string,
): ConversationSocket | null {
  // Opened while this process stops: the client retries, and lands on one that stays.
  if (opts.chat.isDraining) {
    socket.close(CLOSE_RESTARTING, 'server restarting');
    return null;
  }
  if (!check.ok) {
    refuseSocket(socket, check);
    return null;
  }
  return new ConversationSocket(socket, { conn, site: check.site.id, session: null, ...(address ? { address } : {}) }, opts);
}

/** A site refused: the socket says why in an error frame and closes with a code not to retry on. */
export function refuseSocket(socket: SocketHandle, refused: Extract<SiteCheck, { ok: false }>): void {
  sendFrame(socket, error(refused.code, refused.message));
  socket.close(refused.code !== 'unknown_site' ? CLOSE_FORBIDDEN : CLOSE_UNKNOWN_SITE, refused.code);
}

/** A frame for a closing socket is dropped: the client resumes with `after`. */
export function sendFrame(socket: SocketHandle, frame: ServerFrame): void {
  if (socket.isOpen()) socket.send(JSON.stringify(frame));
}
