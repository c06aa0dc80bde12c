import type { ServerFrame } from '../../sdk/protocol';

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
  /**
   * The id a new conversation must take. Where conversations are routed before the socket
   * opens (a Durable Object per conversation), the router has already chosen it.
   */
  assignedSession?: string;
  /** The connection registered with the session log (a gate over `conn`). */
  attached?: Connection;
}

/**
 * Holds live events while a replay is being sent, then lets through those the replay did not
 * already cover: without it an event emitted mid-replay could be lost or sent twice.
 */
export function holdFrames(conn: Connection): { conn: Connection; release(afterSeq: number): void } {
  let held: ServerFrame[] | null = [];
  return {
    conn: { id: conn.id, send: (f) => (held ? held.push(f) : conn.send(f)) },
    release(afterSeq) {
      const queue = held ?? [];
      held = null;
      for (const f of queue) if (!('seq' in f) || f.seq > afterSeq) conn.send(f);
    },
  };
}
