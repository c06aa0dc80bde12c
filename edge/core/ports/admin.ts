/** What operators manage: sealed columns and key rotation, webhooks, admin tokens, agents, intent models, backups. */

/** One sealed column (core/crypto): its values by the key id they are sealed under, and plain ones. */
export interface SealedColumnStatus {
  column: string;
  sealed: Record<string, number>;
  plain: number;
}
export interface RotateOptions {
  /** Rows read and re-sealed at a time (default 100): short statements beside live traffic. */
  batch?: number;
  /** Also seal values stored in the clear (written before a key was set). */
  plain?: boolean;
  signal?: AbortSignal;
  onProgress?(p: { column: string; resealed: number; failed: number }): void;
}
export interface RotateSummary {
  /** The key everything was re-sealed under; null when no key is set (nothing done). */
  kid: string | null;
  resealed: number;
  /** Values that would not open (an unknown key, tampering): left as they were. */
  failed: number;
  /** The first few reasons, naming the key id. */
  errors: string[];
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';
/** One webhook notification and how its delivery went. */
export interface WebhookDeliveryRow {
  id: string;
  siteId: string;
  /** The event's type (`ticket.opened`, …). */
  event: string;
  /** Where it was last sent (the site's URL then). */
  url: string;
  /** The JSON body, opened (it may be sealed at rest). */
  payload: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** The last attempt's HTTP status; null when it got none (refused, timed out) or none was made. */
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}
/** What one attempt came to. */
export interface WebhookAttempt {
  /** Attempts made so far, this one included. */
  attempts: number;
  status: number | null;
  error: string | null;
  /** The URL this attempt went to. */
  url: string;
}

/** What an admin token may do: read (stats, exports), write (changes, erasure), agent (the inbox). */
export type AdminScope = 'read' | 'write' | 'agent';
export const ADMIN_SCOPES: readonly AdminScope[] = ['read', 'write', 'agent'];

export interface AdminTokenRow {
  id: string;
  name: string;
  scopes: AdminScope[];
  createdAt: Date;
}

export interface AgentRow {
  id: string;
  siteId: string;
  email: string;
  name: string;
  disabledAt: Date | null;
}

/** A site's trained intent model as stored: the trainer's JSON, its report and the rows it learnt from. */
export interface IntentModelRow {
  siteId: string;
  /** New with each training. */
  version: string;
  model: unknown;
  report: Record<string, unknown>;
  examples: { text: string; label: string }[];
  trainedAt: Date;
}

/** A site's rows by table, JSON-safe, as `npm run backup` writes them. */
export type SiteRows = Record<string, Record<string, unknown>[]>;
