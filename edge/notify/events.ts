/**
 * What the product notifies a site of, as the conversation code hands it to `notify`. The body
 * sent (payload.ts) carries these fields under `event`, with the site, the time and the
 * delivery's id added.
 */

/** A ticket as events name it; a `TicketRow` fits (only these fields are sent). */
export interface TicketRef {
  id: string;
  /** Per site, from #1001. */
  number: number;
  priority?: 'normal' | 'high';
}

/** A visitor asked for a person: a new ticket. `text`: what the visitor asked (or the reason). */
export interface TicketOpenedEvent {
  type: 'ticket.opened';
  conversation: string;
  ticket: TicketRef;
  text: string | null;
  /** Why it was handed over (the visitor asked, low confidence, …), when known. */
  reason?: string | null;
}

/** The visitor wrote again on a ticket waiting for an agent. */
export interface VisitorReplyEvent {
  type: 'ticket.visitor_reply';
  conversation: string;
  ticket: TicketRef;
  text: string;
}

/** A visitor rated an answer down. `text`: the answer rated. */
export interface LowRatingEvent {
  type: 'answer.low_rating';
  conversation: string;
  answerId: string;
  text: string | null;
  /** The question it answered, when known. */
  question?: string | null;
  /** What the visitor wrote with the rating. */
  comment?: string | null;
  ticket?: TicketRef | null;
}

/**
 * An agent replied while the visitor was away, and the visitor left an email for the reply:
 * the site's own system sends it. `text`: the agent's reply. Carries personal data.
 */
export interface OfflineReplyEvent {
  type: 'ticket.offline_reply';
  conversation: string;
  ticket: TicketRef;
  contactEmail: string;
  text: string;
  agent?: { id: string; name: string } | null;
  /** The visitor's question the reply answers, when known. */
  question?: string | null;
}

/** Sent by `POST /v1/admin/sites/:id/webhooks/test`. */
export interface TestEvent {
  type: 'webhook.test';
  text?: string;
}

export type NotifyEvent = TicketOpenedEvent | VisitorReplyEvent | LowRatingEvent | OfflineReplyEvent | TestEvent;
export type NotifyEventType = NotifyEvent['type'];
