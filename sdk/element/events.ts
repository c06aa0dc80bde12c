import type { Citation, ErrorCode, TicketStatus } from '@support-chat/protocol/frames';

export type { Citation, ErrorCode, TicketStatus };

/** `support-chat-message`: the visitor sent a message (typed, or through `send()`). */
export interface MessageDetail {
  id: string;
  text: string;
}

/** `support-chat-answer`: an answer finished streaming. */
export interface AnswerDetail {
  id: string;
  replyTo: string;
  text: string;
  citations: Citation[];
  /** 0..1: how well the site's own content supports the answer. */
  confidence: number;
  /** The server suggests a person (low confidence, or the visitor asked for one). */
  handoff: boolean;
}

/**
 * `support-chat-handoff`: a ticket for a person was opened, a person joined (`agent`), or it
 * was closed and the assistant answers again (`status: 'closed'`).
 */
export interface HandoffDetail {
  ticket: string;
  /** What people call it: "#1042". */
  number?: number;
  status: TicketStatus;
  /** The person who joined. */
  agent?: { name: string };
}

/** `support-chat-error`: something the visitor is told about (rate limit, server error, refused site). */
export interface ErrorDetail {
  code: ErrorCode;
  message: string;
  /** Seconds to wait, for `rate_limited`. */
  retryAfter?: number;
  /** The message id it concerns, if any. */
  ref?: string;
}

/** Every event the element dispatches: all bubble and cross the shadow boundary (composed). */
export interface SupportChatEventMap {
  'support-chat-open': CustomEvent<Record<string, never>>;
  'support-chat-close': CustomEvent<Record<string, never>>;
  'support-chat-message': CustomEvent<MessageDetail>;
  'support-chat-answer': CustomEvent<AnswerDetail>;
  'support-chat-handoff': CustomEvent<HandoffDetail>;
  'support-chat-error': CustomEvent<ErrorDetail>;
}

export type SupportChatEventName = keyof SupportChatEventMap;
export type DetailOf<K extends SupportChatEventName> = SupportChatEventMap[K] extends CustomEvent<infer D> ? D : never;
