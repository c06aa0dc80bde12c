/**
 * The agent inbox's wire: what `/agent/api/*` returns and what the agent's socket
 * (`/agent/ws?ticket=…`) carries. Typed once for the server and the inbox app, like frames.ts.
 *
 * HTTP, with the agent's session cookie; writes are JSON and same-origin (CSRF):
 * - `GET  /agent/api/tickets?status=open|closed&cursor=&limit=` → `Page<TicketSummary>`, oldest
 *   waiting first (high priority ahead)
 * - `GET  /agent/api/tickets/:id` → `TicketDetail`
 * - `POST /agent/api/tickets/:id/assign` `{ force?: true }` → `TicketSummary`; 409 `ticket_taken`
 *   when another agent holds it (unless `force`)
 * - `POST /agent/api/tickets/:id/reply` `{ text }` → `{ message: AgentMessage, ticket: TicketSummary }`;
 *   takes the ticket when nobody holds it; 409 `ticket_closed` on a closed ticket
 * - `POST /agent/api/tickets/:id/close` → `TicketSummary`: the assistant answers again
 * - `POST /agent/api/tickets/:id/suggest` → `Suggestion`: never sent by itself
 * Errors: `{ error: { code, message } }`.
 *
 * Socket: the server sends `AgentSocketReady`, then every event of the conversation
 * (`ServerEvent`) and typing replies; the agent sends `{ type: 'typing', active }` and `ping`.
 */
import type { Citation, HistoryEntry, ServerEvent, ServerReply, TicketStatus } from './frames';

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next: string | null;
}

export interface TicketSummary {
  id: string;
  number: number;
  siteId: string;
  conversationId: string;
  status: TicketStatus;
  priority: 'normal' | 'high';
  reason: string | null;
  /** Who holds it; null while it waits. */
  assignee: { id: string; name: string } | null;
  /** The visitor's first question and the assistant's last answer, for the queue (may be cut short). */
  firstQuestion: string | null;
  lastAnswer: string | null;
  /** Whether the visitor left an email for the reply. */
  contactEmail: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TicketDetail {
  ticket: TicketSummary;
  transcript: HistoryEntry[];
  /** The conversation's last event number: the socket's events continue after it. */
  seq: number;
}

export interface AgentMessage {
  id: string;
  text: string;
  agent: { name: string };
  at: string;
}

export interface Suggestion {
  text: string;
  citations: Citation[];
  confidence: number;
  /** Always true: a suggestion for the agent to edit and send, never sent by itself. */
  suggestion: true;
}

export type InboxErrorCode =
  /** The cookie's session ended (expired, signed out, agent disabled): sign in again. */
  | 'session_expired'
  | 'rate_limited'
  | 'forbidden_origin'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_request'
  | 'ticket_taken'
  | 'ticket_closed'
  | 'unavailable';

export interface InboxError {
  /** `assignee` with `ticket_taken`: who holds it (the inbox offers to take it over). */
  error: { code: InboxErrorCode; message: string; assignee?: { id: string; name: string } };
}

export type AgentSocketReady = { type: 'watching'; ticket: string; session: string; seq: number };
/** Sent before a refused socket closes (4403): why, in the API's words. */
export type AgentSocketRefused = { type: 'error'; code: InboxErrorCode | 'invalid_message'; message: string };
export type AgentSocketFrame = AgentSocketReady | ServerEvent | ServerReply | AgentSocketRefused;
export type AgentClientFrame = { type: 'typing'; active: boolean } | { type: 'ping' };
