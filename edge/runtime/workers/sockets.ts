/**
 * workerd's sockets as the conversation layer sees them (`SocketHandle`), and what each keeps
 * through hibernation: its attachment, read once per life of the object.
 */
import type { SocketHandle, SocketState } from '../../conversation/socket';
import { OPEN, type CfWebSocket } from './platform';

/** A socket's attachment: its conversation state, and the object (conversation) it was opened in. */
export type Attachment = SocketState & { assigned: string };

export function socketHandle(ws: CfWebSocket): SocketHandle {
  return {
    send: (text) => ws.send(text),
    close: (code, reason) => ws.close(code, reason),
    isOpen: () => ws.readyState === OPEN,
  };
}

export class Attachments {
  private readonly read = new WeakMap<CfWebSocket, Attachment>();

  of(ws: CfWebSocket): Attachment | null {
    let state = this.read.get(ws);
    if (!state) {
      state = (ws.deserializeAttachment() as Attachment | null) ?? undefined;
      if (state) this.read.set(ws, state);
    }
    return state ?? null;
  }

  save(ws: CfWebSocket, state: Attachment): void {
    ws.serializeAttachment(state);
    this.read.set(ws, state);
  }
}
