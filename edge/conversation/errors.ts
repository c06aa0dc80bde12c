import type { ServerReply } from '@support-chat/protocol';

type ErrorReply = Extract<ServerReply, { type: 'error' }>;

/** An out-of-band error reply; `ref` names the client's message it is about. */
export function error(code: ErrorReply['code'], message: string, ref?: string, retryAfter?: number): ErrorReply {
  return { type: 'error', code, message, ...(ref ? { ref } : {}), ...(retryAfter ? { retryAfter } : {}) };
}

/** A hello for a conversation it cannot resume, on a socket that can hold no other (see ChatService.hello). */
export class UnknownSession extends Error {
  constructor() {
    super('this conversation cannot be resumed here: start a new one');
    this.name = 'UnknownSession';
  }
}
