/** Conversations as the database keeps them: their messages, tickets, summaries and usage. */
import type { Citation, IntentName, TicketStatus } from '@support-chat/protocol';

export interface ConversationRow {
  id: string;
  siteId: string;
  lastSeq: number;
  locale: string | null;
  /** SHA-256 (hex) of the conversation's resume secret. */
  resumeHash: string | null;
  createdAt: Date;
}
/** Which conversations the admin API lists (all given conditions hold), newest first. */
export interface ConversationFilter {
  siteId?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
  /** Some message of it was classified so. */
  intent?: IntentName;
  /** It has (true) or has not (false) a ticket. */
  handoff?: boolean;
  /** Some answer of it was rated so. */
  feedback?: 'up' | 'down';
  limit: number;
  /** The last row of the previous page: its creation time (ISO, ms) and id. */
  after?: { key: string | number; id: string } | null;
}
/** A conversation as the admin API lists it. */
export interface ConversationSummary {
  id: string;
  siteId: string;
  createdAt: Date;
  updatedAt: Date;
  messages: number;
  /** The visitor's first message, opened; null when none (or sealed under a key no longer held). */
  firstQuestion: string | null;
  intents: IntentName[];
  hasTicket: boolean;
  feedback: { up: number; down: number };
}
export interface MessageRow {
  id: string;
  conversationId: string;
  role: 'user' | 'assistant' | 'agent';
  /** The client's id for user messages; the answer id for assistant ones. */
  clientId: string;
  replyTo: string | null;
  text: string;
  intent: IntentName | null;
  citations: Citation[];
  confidence: number | null;
  /** For an agent's message: who wrote it, and their name as the visitor saw it. */
  agentId?: string | null;
  agentName?: string | null;
  /** What an assistant answer consumed; null when nothing metered ran (a cached or direct reply). */
  usage?: MessageUsage | null;
  createdAt: Date;
}
export interface MessageUsage {
  /** The chat model that answered, as the provider named it. */
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  embeddingTokens: number;
  /** USD from the price table; null when a model's price is unknown. */
  costUsd: number | null;
}
/** One site's answering, for the admin stats. */
export interface SiteStats {
  siteId: string;
  answers: number;
  promptTokens: number;
  completionTokens: number;
  embeddingTokens: number;
  /** Sum of the known costs; null when no answer had one. */
  costUsd: number | null;
  avgConfidence: number | null;
  handoffs: number;
  feedbackUp: number;
  feedbackDown: number;
}
export interface TicketRow {
  id: string;
  siteId: string;
  conversationId: string;
  /** Per site, from #1001 (ticket_numbers). */
  number: number;
  status: TicketStatus;
  priority: 'normal' | 'high';
  reason: string | null;
  assignee: { id: string; name: string } | null;
  /** Where a reply goes when nobody was online (personal data, sealed at rest). */
  contactEmail: string | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A ticket as the queue lists it: with the visitor's first question and the assistant's last answer. */
export interface QueuedTicket extends TicketRow {
  firstQuestion: string | null;
  lastAnswer: string | null;
}
