/**
 * Wire protocol v1 between <support-chat> and the backend: the one place a frame is spelled.
 *
 * The zod schemas validate what clients send (the server never trusts a frame); server frames
 * are plain types because the server builds them. The SDK imports this module with
 * `import type` only, so zod never reaches the widget bundle.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1 as const;

/** Longest user message, in characters, before preprocessing caps it further. */
export const MAX_MESSAGE_CHARS = 4000;
/** Longest client frame, in bytes: anything bigger is refused before JSON parsing. */
export const MAX_FRAME_BYTES = 16_384;

const id = z.string().min(1).max(128);

export const helloFrame = z.object({
  type: z.literal('hello'),
  v: z.literal(PROTOCOL_VERSION),
  session: z.string().min(1).max(128).optional(),
  /** The secret `ready` gave with this session: without it the session is not resumed. */
  resume: z.string().min(1).max(128).optional(),
  after: z.number().int().min(0).optional(),
  locale: z.string().max(35).optional(),
});

export const messageFrame = z.object({
  type: z.literal('message'),
  id,
  text: z.string(),
});

export const feedbackFrame = z.object({
  type: z.literal('feedback'),
  answer: id,
  rating: z.enum(['up', 'down']),
  comment: z.string().max(2000).optional(),
});

export const handoffFrame = z.object({
  type: z.literal('handoff'),
  reason: z.string().max(2000).optional(),
});

export const pingFrame = z.object({ type: z.literal('ping') });

/** The visitor is (or stopped) typing: shown to the agent who holds the ticket, never stored. */
export const typingFrame = z.object({ type: z.literal('typing'), active: z.boolean() });

/**
 * Where a person's reply can reach the visitor when no agent is online (the widget asks for it
 * once a ticket says `offline`). Stored with the ticket as personal data.
 */
export const contactFrame = z.object({
  type: z.literal('contact'),
  email: z.string().trim().max(254).email(),
});

export const clientFrame = z.discriminatedUnion('type', [
  helloFrame,
  messageFrame,
  feedbackFrame,
  handoffFrame,
  pingFrame,
  typingFrame,
  contactFrame,
]);

export type HelloFrame = z.infer<typeof helloFrame>;
export type MessageFrame = z.infer<typeof messageFrame>;
export type FeedbackFrame = z.infer<typeof feedbackFrame>;
export type HandoffFrame = z.infer<typeof handoffFrame>;
export type TypingFrame = z.infer<typeof typingFrame>;
export type ContactFrame = z.infer<typeof contactFrame>;
export type ClientFrame = z.infer<typeof clientFrame>;
export type ClientFrameType = ClientFrame['type'];

export const INTENTS = [
  'greeting',
  'product_question',
  'policy_question',
  'order_status',
  'return_refund',
  'human',
  'complaint',
  'other',
] as const;
export type Intent = (typeof INTENTS)[number];
/**
 * What `answer.start` reports: one of INTENTS, or an intent the site trained itself
 * (`npm run intents -- train`), named like `cancel_subscription`.
 */
export type IntentName = Intent | (string & {});

export interface Citation {
  /** The number the answer text uses, as in "[2]". */
  n: number;
  title: string;
  url?: string;
  snippet: string;
}

export type HistoryEntry =
  | { role: 'user'; id: string; text: string; at: string }
  | {
      role: 'assistant';
      id: string;
      replyTo: string;
      text: string;
      citations: Citation[];
      confidence: number;
      at: string;
    }
  | { role: 'agent'; id: string; text: string; agent: { name: string }; at: string }
  /** A ticket for a person, where it was opened in the conversation, as it stands now. */
  | ({ role: 'ticket'; at: string } & TicketState);

/**
 * Where a hand-off stands. `open` without `agent`: waiting in the queue; with `agent`: that
 * person has joined and the assistant is silent; `closed`: handed back to the assistant.
 */
export interface TicketState {
  ticket: string;
  /** What people call it, "#1042": numbered per site. */
  number?: number;
  status: TicketStatus;
  /** The person, and the team they answer for (the site's name): "Alex from Juniper Peak joined". */
  agent?: { name: string; team?: string };
  /** No agent has been online lately: a reply may take a while, and the widget offers to take an email. */
  offline?: boolean;
  /** An email for the reply was left (never the address itself: the widget only needs to know). */
  contact?: boolean;
}

export const ERROR_CODES = [
  'invalid_message',
  'too_long',
  'rate_limited',
  'forbidden_origin',
  /** The site asks for a key or token that was missing or not its own. */
  'unauthorized',
  'unknown_site',
  'unknown_session',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Events carry `seq`: it rises by exactly one per event of a session, so a client sees gaps. */
export type ServerEvent =
  /**
   * The reply to `hello`. With `resumed`, the events after the client's `after` follow and the
   * client keeps what it shows; otherwise `history` is the whole conversation and replaces it,
   * and `seq` is the last event's number. `ready` itself is not a new event.
   */
  | {
      type: 'ready';
      seq: number;
      session: string;
      history: HistoryEntry[];
      resumed?: boolean;
      /** Given with a new session: the secret a later hello must show to resume it. Keep it private. */
      resume?: string;
      /** The site erases a conversation its widget resets (`DELETE /v1/sessions/:id`). */
      eraseOnReset?: boolean;
      /** What the widget shows before the first message. */
      intro?: Intro;
    }
  /** The visitor's message is stored; `text` lets other tabs and the agent's inbox show it. */
  | { type: 'ack'; seq: number; id: string; text?: string }
  | { type: 'answer.start'; seq: number; id: string; replyTo: string; intent: IntentName }
  | { type: 'answer.delta'; seq: number; id: string; text: string }
  | {
      type: 'answer.end';
      seq: number;
      id: string;
      citations: Citation[];
      confidence: number;
      handoff?: boolean;
    }
  /** The hand-off changed: a ticket opened, a person joined, the ticket closed (back to the assistant). */
  | ({ type: 'handoff'; seq: number } & TicketState)
  /** A person's reply, from the agent inbox. */
  | { type: 'agent.message'; seq: number; id: string; text: string; agent: { name: string } };

export type TicketStatus = 'open' | 'pending' | 'solved' | 'closed';

/** Out-of-band replies: not part of the session's event log, so they carry no `seq`. */
export type ServerReply =
  | { type: 'pong' }
  /** Someone in the conversation is typing; it lapses by itself after TYPING_LAPSE_MS without a repeat. */
  | { type: 'typing'; who: 'visitor' | 'agent'; active: boolean; name?: string }
  | { type: 'error'; code: ErrorCode; message: string; retryAfter?: number; ref?: string };

export type ServerFrame = ServerEvent | ServerReply;
export type ServerEventType = ServerEvent['type'];

/** A server event before the session log numbers it. */
export type UnsequencedEvent = ServerEvent extends infer E
  ? E extends { seq: number }
    ? Omit<E, 'seq'>
    : never
  : never;

/** A typing signal stands this long unless repeated; clients repeat it while typing goes on. */
export const TYPING_LAPSE_MS = 6000;

/** Close codes the client should not retry on: reconnecting cannot fix them. */
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_UNKNOWN_SITE = 4404;
/** The server is restarting (a deploy, a scale-in): reconnect, and another process resumes the session. */
export const CLOSE_RESTARTING = 1012;
/** The server could not start the session just now (its stores are down): reconnect with backoff. */
export const CLOSE_TRY_AGAIN = 1013;
/**
 * A frame over MAX_FRAME_BYTES (the standard's "message too big"). Node's socket library stops
 * reading such a frame at its header and closes with this, so the Worker does the same.
 */
export const CLOSE_TOO_BIG = 1009;

/** What the widget shows before the first message: the site's name and settings. */
export interface Intro {
  /** The site's name: the empty panel's heading. */
  title: string;
  /** The site's avatar or logo: an https URL (http only for localhost/127.0.0.1). */
  avatar?: string;
  /** How soon the site's people usually reply; the widget words it in the visitor's language. */
  replyTime?: 'minutes' | 'hour' | 'hours' | 'day';
  /** Up to four questions the visitor can ask with one tap. */
  suggestions: string[];
}
