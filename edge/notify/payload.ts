/**
 * The body a webhook gets: what a Slack incoming webhook shows (`text` as the one-line summary,
 * `blocks` for the message) and, under `event`, the same facts for a machine. Slack ignores
 * the field it does not know; any other receiver reads `event` and may ignore the rest.
 */
import type { NotifyEvent, TicketRef } from './events';

export interface WebhookPayload {
  text: string;
  blocks: SlackBlock[];
  event: WebhookEventBody;
  [key: string]: unknown;
}

export type SlackBlock =
  | { type: 'section'; text?: { type: 'mrkdwn'; text: string }; fields?: { type: 'mrkdwn'; text: string }[] }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

/** `event` in the body: the caller's event with the site, the time, the delivery and links. */
export interface WebhookEventBody {
  /** The delivery's id: the same across its retries, so a receiver can drop duplicates. */
  id: string;
  type: NotifyEvent['type'];
  site: string;
  /** ISO time the event happened (not when this attempt was sent). */
  at: string;
  conversation: string | null;
  ticket?: (TicketRef & { url?: string }) | null;
  text: string | null;
  [key: string]: unknown;
}

export interface PayloadContext {
  deliveryId: string;
  site: { id: string; name: string };
  at: Date;
  /** The server's public address (PUBLIC_URL): with it, links into the inbox. */
  publicUrl?: string;
}

/** Longest quote in the one-line summary. */
const QUOTE_CHARS = 140;

export function buildPayload(event: NotifyEvent, ctx: PayloadContext): WebhookPayload {
  const ticket = 'ticket' in event && event.ticket ? event.ticket : null;
  const url = ticket && ctx.publicUrl ? `${ctx.publicUrl.replace(/\/+$/, '')}/agent#t=${encodeURIComponent(ticket.id)}` : undefined;
  const body: WebhookEventBody = {
    ...fieldsOf(event),
    id: ctx.deliveryId,
    type: event.type,
    site: ctx.site.id,
    at: ctx.at.toISOString(),
    conversation: 'conversation' in event ? event.conversation : null,
    ...(ticket ? { ticket: { id: ticket.id, number: ticket.number, ...(ticket.priority ? { priority: ticket.priority } : {}), ...(url ? { url } : {}) } } : {}),
    text: event.text ?? null,
  };
  const site = escape(ctx.site.name || ctx.site.id);
  const label = ticket ? `ticket #${ticket.number}` : '';
  const quote = event.text ? `: “${escape(oneLine(event.text))}”` : '';
  const fields: string[] = [];
  let summary: string;
  switch (event.type) {
    case 'ticket.opened':
      summary = `New ${label} on ${site}${quote}`;
      if (event.reason) fields.push(`*Reason*\n${escape(oneLine(event.reason))}`);
      if (ticket?.priority === 'high') fields.push('*Priority*\nhigh');
      break;
    case 'ticket.visitor_reply':
      summary = `Visitor replied on ${label} on ${site}${quote}`;
      break;
    case 'answer.low_rating':
      summary = `Answer rated down on ${site}${quote}`;
      if (event.question) fields.push(`*Question*\n${escape(oneLine(event.question))}`);
      if (event.comment) fields.push(`*Comment*\n${escape(oneLine(event.comment))}`);
      break;
    case 'ticket.offline_reply':
      summary = `Reply to email for ${label} on ${site} (to ${escape(event.contactEmail)})`;
      fields.push(`*To*\n${escape(event.contactEmail)}`);
      if (event.agent) fields.push(`*From*\n${escape(event.agent.name)}`);
      break;
    case 'webhook.test':
      summary = `Test notification for ${site}: webhooks work`;
      break;
  }
  if (ticket) fields.unshift(`*Ticket*\n${url ? `<${url}|#${ticket.number}>` : `#${ticket.number}`}`);
  const blocks: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: summary } }];
  if (event.type === 'ticket.offline_reply') blocks.push({ type: 'section', text: { type: 'mrkdwn', text: quoteBlock(event.text) } });
  if (fields.length) blocks.push({ type: 'section', fields: fields.slice(0, 10).map((text) => ({ type: 'mrkdwn', text })) });
  if (url) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${url}|Open in the inbox>` }] });
  return { text: summary, blocks, event: body };
}

/** The event's own fields beyond the common ones, named as the body names them. */
function fieldsOf(event: NotifyEvent): Record<string, unknown> {
  switch (event.type) {
    case 'ticket.opened':
      return { reason: event.reason ?? null };
    case 'answer.low_rating':
      return { answerId: event.answerId, question: event.question ?? null, comment: event.comment ?? null };
    case 'ticket.offline_reply':
      return { contact: { email: event.contactEmail }, agent: event.agent ? { id: event.agent.id, name: event.agent.name } : null, question: event.question ?? null };
    default:
      return {};
  }
}

/** Whitespace collapsed, cut at QUOTE_CHARS with an ellipsis. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS - 1).trimEnd()}…` : flat;
}

/** Slack's three control characters in mrkdwn; other text stays as it is. */
function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A reply as a Slack quote (Slack caps a section's text at 3,000 characters). */
function quoteBlock(text: string): string {
  const cut = text.length > 2900 ? `${text.slice(0, 2899)}…` : text;
  return escape(cut)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}
