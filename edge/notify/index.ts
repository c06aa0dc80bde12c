/**
 * Notifications to a site's webhook (Slack-compatible JSON, signed). For the conversation code:
 *
 *   void notify(deps, siteId, { type: 'ticket.opened', conversation, ticket, text: question });
 *
 * It never throws and does nothing when the site has no `webhookUrl`.
 */
export { notify, retryDue, BACKOFF_MS, ATTEMPT_TIMEOUT_MS, type DeliveryOutcome, type NotifyDeps, type NotifyOptions } from './deliver';
export type { LowRatingEvent, NotifyEvent, NotifyEventType, OfflineReplyEvent, TestEvent, TicketOpenedEvent, TicketRef, VisitorReplyEvent } from './events';
export { buildPayload, type WebhookEventBody, type WebhookPayload } from './payload';
export { ensureWebhookSecret, rotateWebhookSecret } from './secret';
export { DEFAULT_TOLERANCE_SEC, newWebhookSecret, SIGNATURE_HEADER, signWebhook, verifyWebhook } from './signature';
export { startWebhookRetries } from './timer';
