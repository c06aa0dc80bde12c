/**
 * The agent's live view of one ticket: `/agent/ws?ticket=…` on the page's own origin, signed in
 * by the session cookie. Reconnects with a growing, jittered delay (at once when the network or
 * the tab comes back), pings while idle, and stops for good when the server refuses (4403):
 * a session that ended, a ticket of another site.
 */
import type { AgentClientFrame, AgentSocketFrame } from '@support-chat/protocol/inbox';
import { CLOSE_FORBIDDEN } from '../client/limits';

export type SocketState = 'connecting' | 'open' | 'reconnecting' | 'refused' | 'closed';

export interface SocketHandlers {
  frame(frame: AgentSocketFrame): void;
  state(state: SocketState, detail?: { code?: string; message?: string; reconnected?: boolean }): void;
}

/** The wait before attempt `n` (0-based) after a drop: 1 s growing ×1.7 to 15 s, ±25 %. */
export function backoff(n: number, random = Math.random): number {
  const base = Math.min(15_000, 1000 * 1.7 ** n);
  return Math.round(base * (0.75 + random() * 0.5));
}

const PING_MS = 25_000;

export class TicketSocket {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private opened = false;
  private stopped = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;
  private refusal: { code?: string; message?: string } | null = null;
  private readonly wake = () => {
    if (document.visibilityState !== 'hidden' && !this.stopped && !this.ws) this.connect();
  };

  constructor(
    private readonly ticket: string,
    private readonly on: SocketHandlers,
    private readonly base = location.origin.replace(/^http/, 'ws'),
  ) {
    addEventListener('online', this.wake);
    document.addEventListener('visibilitychange', this.wake);
    this.connect();
  }

  send(frame: AgentClientFrame): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.ping);
    removeEventListener('online', this.wake);
    document.removeEventListener('visibilitychange', this.wake);
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'done');
    this.on.state('closed');
  }

  private connect(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    this.on.state(this.opened ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(`${this.base}/agent/ws?ticket=${encodeURIComponent(this.ticket)}`);
    this.ws = ws;
    ws.onopen = () => {
      const reconnected = this.opened;
      this.opened = true;
      this.attempts = 0;
      this.on.state('open', { reconnected });
      clearInterval(this.ping);
      this.ping = setInterval(() => this.send({ type: 'ping' }), PING_MS);
    };
    ws.onmessage = (e) => {
      let frame: AgentSocketFrame | { type: 'error'; code: string; message: string };
      try {
        frame = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (frame.type === 'error') this.refusal = { code: frame.code, message: frame.message };
      this.on.frame(frame as AgentSocketFrame);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.ping);
      if (this.stopped) return;
      if (e.code === CLOSE_FORBIDDEN) {
        this.stopped = true;
        this.on.state('refused', this.refusal ?? { message: e.reason });
        return;
      }
      this.on.state('reconnecting');
      if (document.visibilityState === 'hidden') return; // `wake` reconnects when the tab is seen
      this.retry = setTimeout(() => this.connect(), backoff(this.attempts++));
    };
  }
}
