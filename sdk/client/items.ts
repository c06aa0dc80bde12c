/**
 * What the widget shows of a conversation (items) and what applying a server frame asks of it
 * (effects): the vocabulary of `Conversation`, kept apart so the state machine reads alone.
 */
import type { Citation, ClientFrame, ErrorCode, TicketState } from '@support-chat/protocol/frames';

export type UserStatus = 'pending' | 'sent' | 'acked' | 'failed';

export interface UserItem {
  kind: 'user';
  id: string;
  text: string;
  status: UserStatus;
  /** Sent from another tab: only the id is known until the history fills the text in. */
  unknown?: boolean;
  /** Epoch ms before which a rate-limited message is not resent. */
  retryAt?: number;
}

export interface AnswerItem {
  kind: 'answer';
  id: string;
  replyTo: string;
  text: string;
  done: boolean;
  citations: Citation[];
  confidence?: number;
  handoff?: boolean;
  /** Joined mid-stream (a reload, a new tab): the start is missing until the history has it. */
  partial?: boolean;
  rating?: 'up' | 'down';
}

export interface AgentItem {
  kind: 'agent';
  id: string;
  text: string;
  name: string;
}

/**
 * A ticket for a person, where it was opened, as it stands now (`id` is the ticket's id, never
 * shown: people see its `number`). `after`: the item it was closed after, when seen live.
 */
export type TicketItem = { kind: 'ticket'; id: string; after?: string } & Omit<TicketState, 'ticket'>;

/** Waiting in the queue, a person has joined, or handed back to the assistant. */
export type TicketPhase = 'queued' | 'joined' | 'closed';

export function phase(t: Pick<TicketState, 'status' | 'agent'>): TicketPhase {
  return t.status === 'open' || t.status === 'pending' ? (t.agent ? 'joined' : 'queued') : 'closed';
}

/** How items are told apart across kinds (an answer and a message may share an id). */
export const keyOf = (i: Item): string => `${i.kind}:${i.id}`;

export type Item = UserItem | AnswerItem | AgentItem | TicketItem;

export type Effect =
  | { type: 'send'; frame: ClientFrame }
  | { type: 'ready'; session: string; resume: string | undefined; fresh: boolean; eraseOnReset?: true }
  | { type: 'answer'; item: AnswerItem }
  /** A ticket changed; `changed` when the visitor should hear of it (another phase, an email taken). */
  | { type: 'handoff'; item: TicketItem; changed: boolean }
  /** A person's reply arrived (live: not from the history). */
  | { type: 'agent'; item: AgentItem }
  | { type: 'error'; code: ErrorCode; message: string; retryAfter?: number; ref?: string }
  /** Send `hello` again: with `after` to fill a gap, without to fetch the whole history. */
  | { type: 'resync'; full: boolean }
  /** Call `due()` again at this time: a rate-limited message waits for it. */
  | { type: 'wake'; at: number };
