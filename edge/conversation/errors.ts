import type { ServerReply } from '../../protocol';

type ErrorReply = Extract<ServerReply, { type: 'error' }>;

/** An out-of-band error reply; `ref` names the client's message it is about. */
export function error(code: ErrorReply['code'], message: string, ref?: string, retryAfter?: number): ErrorReply {
  return { type: 'error', code, message, ...(ref ? { ref } : {}), ...(retryAfter ? { retryAfter } : {}) };
}
