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
}
