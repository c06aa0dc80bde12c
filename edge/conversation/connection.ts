import type { ServerFrame } from '@support-chat/protocol';

/** One client's channel, whatever carries it: a WebSocket, an SSE response, a JSON request. */
export interface Connection {
  readonly id: string;
  send(frame: ServerFrame): void;
}

/** What the server knows about a connection once it has said hello. */
export interface Peer {
  conn: Connection;
  siteId: string;
  session: string | null;
  locale?: string;
  /** The client's network address as the runtime sees it, for per-address limits; unknown when absent. */
  address?: string;
  /**
   * The id a new conversation must take. Where conversations are routed before the socket
   * opens (a Durable Object per conversation), the router has already chosen it.
   */
  assignedSession?: string;
  /** The conversation this connection's hello made, until its first message. */
  fresh?: string;
  /** The connection registered with the session log (a gate over `conn`). */
  attached?: Connection;
  /** When this connection last said the visitor is typing (they are throttled). */
  typedAt?: number;
}

/**
 * A connection that sends each event once, in order: live events are held while a replay is
 * sent, then only those past what it covered go through. Events can reach a process twice or
 * late (a replay read from the store while the same events arrive over pub/sub), so the filter
 * stays on after the replay too: any event at or below the last seq sent is dropped.
 */
export function holdFrames(conn: Connection): { conn: Connection; release(afterSeq: number): void } {
  let held: ServerFrame[] | null = [];
  let last = -1;
  const pass = (f: ServerFrame) => {
    if ('seq' in f && typeof f.seq === 'number') {
      if (f.seq <= last) return;
      last = f.seq;
    }
    conn.send(f);
  };
  return {
    conn: { id: conn.id, send: (f) => (held ? held.push(f) : pass(f)) },
    release(afterSeq) {
      const queue = held ?? [];
      held = null;
      last = Math.max(last, afterSeq);
      for (const f of queue) pass(f);
    },
  };
}
