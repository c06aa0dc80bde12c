/**
 * workerd's sockets as the conversation layer sees them (`SocketHandle`), and what each keeps
 * through hibernation: its attachment, read once per life of the object. The conversation
 * side of each socket (`ConversationSocket`) is built from the attachment on its first frame
 * after each wake, so hibernation loses nothing a socket must remember.
 */
import type { Connection } from '../../conversation/connection';
import { ConversationSocket, sendFrame, type SocketHandle, type SocketState, type SocketOptions } from '../../conversation/socket';
import type { Watch } from '../../inbox/agent-socket';
import { OPEN, type CfWebSocket, type DurableObjectState } from './platform';

/**
 * A socket's attachment: its conversation state, and the object (conversation) it was opened
 * in; for an agent's socket, what the Worker checked (it watches, it never says hello).
 */
export type Attachment = SocketState & { assigned: string; watch?: Watch };

export function socketHandle(ws: CfWebSocket): SocketHandle {
  return {
    send: (text) => ws.send(text),
    close: (code, reason) => ws.close(code, reason),
    isOpen: () => ws.readyState === OPEN,
  };
}

export class HibernatingSockets {
  private readonly read = new WeakMap<CfWebSocket, Attachment>();
  /** By connection id; after hibernation each is built anew from its socket's attachment. */
  private readonly handlers = new Map<string, ConversationSocket>();

  constructor(private readonly ctx: DurableObjectState) {}

  /** Takes a new socket into the object; hibernation keeps it open between events. */
  accept(ws: CfWebSocket, state: Attachment): void {
    this.ctx.acceptWebSocket(ws);
    this.save(ws, state);
  }

  attachment(ws: CfWebSocket): Attachment | null {
    let state = this.read.get(ws);
    if (!state) {
      state = (ws.deserializeAttachment() as Attachment | null) ?? undefined;
      if (state) this.read.set(ws, state);
    }
    return state ?? null;
  }

  /** The socket's conversation side; its attachment follows the session and locale, to outlive hibernation. */
  handler(ws: CfWebSocket, state: Attachment, wiring: Omit<SocketOptions, 'onState'>): ConversationSocket {
    let socket = this.handlers.get(state.conn);
    if (!socket) {
      socket = new ConversationSocket(socketHandle(ws), state, {
        ...wiring,
        onState: (next) => this.save(ws, { ...next, assigned: state.assigned }),
      });
      this.handlers.set(state.conn, socket);
    }
    return socket;
  }

  /** The sockets that said hello, as the session's event log reaches them. */
  helloed(): Connection[] {
    const out: Connection[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const state = this.attachment(ws);
      if (state?.session) out.push({ id: state.conn, send: (f) => sendFrame(socketHandle(ws), f) });
    }
    return out;
  }

  count(): number {
    return this.ctx.getWebSockets().length;
  }

  forget(ws: CfWebSocket): void {
    const state = this.attachment(ws);
    if (!state) return;
    this.handlers.get(state.conn)?.detach();
    this.handlers.delete(state.conn);
  }

  private save(ws: CfWebSocket, state: Attachment): void {
    ws.serializeAttachment(state);
    this.read.set(ws, state);
  }
}
