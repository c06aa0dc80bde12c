/**
 * An agent watching one conversation over a WebSocket, whatever runtime holds the socket: it
 * gets every event of the conversation (the visitor's messages arrive as `ack` with their text,
 * the assistant's answers, other agents' replies) and the visitor's typing; it sends its own
 * typing. Replies go through the HTTP API, which stores them before anyone sees them.
 */
import type { AgentClientFrame, AgentSocketReady } from '@support-chat/protocol/inbox';
import type { ServerFrame } from '@support-chat/protocol';
import { holdFrames, type Connection } from '../conversation/connection';
import type { SessionEvents } from '../conversation/session-log';
import type { SocketHandle } from '../conversation/socket';

export interface Watch {
  ticket: string;
  session: string;
  agent: { id: string; name: string };
}

const MAX_AGENT_FRAME = 1024;

export class AgentSocket {
  private attached: Connection | null = null;
  private readonly typing = { at: 0 };

  constructor(
    private readonly handle: SocketHandle,
    private readonly log: SessionEvents,
    private readonly watch: Watch,
    private readonly id: string,
    private readonly onActive: () => void = () => {},
  ) {}

  /** Listening before the number is read, held until `watching` is sent: nothing falls between. */
  async open(): Promise<void> {
    const send = (f: ServerFrame | AgentSocketReady) => {
      if (this.handle.isOpen()) this.handle.send(JSON.stringify(f));
    };
    const gate = holdFrames({ id: this.id, send });
    this.attached = gate.conn;
    await this.log.attach(this.watch.session, gate.conn);
    const seq = await this.log.load(this.watch.session);
    send({ type: 'watching', ticket: this.watch.ticket, session: this.watch.session, seq });
    gate.release(seq);
    this.onActive();
  }

  receive(raw: unknown): void {
    if (receiveAgentFrame(raw, this.handle, this.log, this.watch, this.typing)) this.onActive();
  }

  close(): void {
    if (this.attached) this.log.detach(this.watch.session, this.attached);
    this.attached = null;
  }
}

/**
 * One frame from an agent's socket: typing goes to everyone in the conversation (at most one a
 * second), ping is answered. False for a frame that is not one of those (answered with an error).
 */
export function receiveAgentFrame(raw: unknown, handle: SocketHandle, log: SessionEvents, watch: Watch, typing: { at: number }): boolean {
  const frame = typeof raw === 'string' && raw.length <= MAX_AGENT_FRAME ? parse(raw) : null;
  if (!frame) {
    handle.send(JSON.stringify({ type: 'error', code: 'invalid_message', message: 'send {"type":"typing","active":true|false} or {"type":"ping"}' }));
    return false;
  }
  if (frame.type === 'ping') {
    handle.send(JSON.stringify({ type: 'pong' }));
    return true;
  }
  const now = Date.now();
  if (frame.active && now - typing.at < 1000) return true;
  typing.at = frame.active ? now : 0;
  log.broadcast(watch.session, { type: 'typing', who: 'agent', active: frame.active, name: watch.agent.name });
  return true;
}

function parse(raw: string): AgentClientFrame | null {
  try {
    const f = JSON.parse(raw) as { type?: unknown; active?: unknown };
    if (f.type === 'ping') return { type: 'ping' };
    if (f.type === 'typing' && typeof f.active === 'boolean') return { type: 'typing', active: f.active };
  } catch {
    // Not JSON: answered as any other bad frame.
  }
  return null;
}
