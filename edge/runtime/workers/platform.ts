/**
 * The little of the Workers platform this runtime touches, typed here rather than through
 * `@cloudflare/workers-types`: those types replace the DOM's globals, and this project is
 * type-checked as one program with the DOM and Node types. The shapes follow workers-types.
 */

/** A WebSocket as workerd gives it: the standard API plus the hibernation extensions. */
export interface CfWebSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  accept(): void;
  /** Kept by the runtime across hibernation (at most 2 KB once serialized). */
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}

export type SqlValue = string | number | null | ArrayBuffer;
export interface SqlCursor<T> {
  toArray(): T[];
  one(): T;
}
/** Durable Object SQLite: synchronous, and private to one object. */
export interface SqlStorage {
  exec<T = Record<string, SqlValue>>(query: string, ...bindings: SqlValue[]): SqlCursor<T>;
}

export interface DurableObjectState {
  readonly id: { readonly name?: string; toString(): string };
  readonly storage: { readonly sql: SqlStorage; deleteAll(): Promise<void> };
  /** Hibernation: the runtime holds the socket and wakes the object for its events. */
  acceptWebSocket(ws: CfWebSocket, tags?: string[]): void;
  getWebSockets(tag?: string): CfWebSocket[];
  waitUntil(promise: Promise<unknown>): void;
}

export interface DurableObjectStub {
  fetch(request: Request): Promise<Response>;
}
export interface DurableObjectNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): DurableObjectStub;
}

export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** What a cron trigger's `scheduled` event carries. */
export interface ScheduledController {
  /** When the run was due, in ms since the epoch. */
  readonly scheduledTime: number;
  /** The trigger's expression, as written in wrangler.toml. */
  readonly cron: string;
}

/** `readyState` of an open socket (the WebSocket standard's OPEN). */
export const OPEN = 1;

/** A connected pair: `client` goes back in the 101 response, `server` stays with us. */
export function webSocketPair(): { client: CfWebSocket; server: CfWebSocket } {
  const Pair = (globalThis as unknown as { WebSocketPair?: new () => Record<0 | 1, CfWebSocket> }).WebSocketPair;
  if (!Pair) throw new Error('WebSocketPair is not available: this code runs in workerd only');
  const pair = new Pair();
  return { client: pair[0], server: pair[1] };
}

/** The 101 response that hands `client` to the caller. */
export function upgradeResponse(client: CfWebSocket): Response {
  return new Response(null, { status: 101, webSocket: client } as ResponseInit);
}

/**
 * workerd refuses to send the reserved codes 1005 (no status) and 1006 (abnormal) that a
 * close event may report; answering a close with them would throw.
 */
export function closeCode(code: number): number {
  return code === 1005 || code === 1006 || code < 1000 ? 1000 : code;
}
