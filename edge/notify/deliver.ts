/**
 * Sending notifications to a site's webhook. `notify` records the delivery, then makes the
 * first attempt; one that does not land is tried again with backoff by `retryDue` (a timer on
 * Node, the cron on Workers) until it lands, the receiver refuses it, or the attempts run out.
 * The URL and the signing secret are read at each attempt, so a changed URL or a rotated
 * secret applies to deliveries still pending.
 */
import type { Deps } from '../core/deps';
import type { WebhookDeliveryRow } from '../core/ports';
import type { NotifyEvent } from './events';
import { buildPayload } from './payload';
import { SIGNATURE_HEADER, signWebhook } from './signature';

export type NotifyDeps = Pick<Deps, 'db' | 'log' | 'clock' | 'newId' | 'webhooks'>;

/** Waits before the 2nd…6th attempt; after the 6th it is failed (about 7 h 12 min in all). */
export const BACKOFF_MS: readonly number[] = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000];
export const ATTEMPT_TIMEOUT_MS = 5_000;
/** How long an attempt holds its delivery against other processes' retries. */
const LEASE_MS = 60_000;

export interface DeliveryOutcome {
  id: string;
  status: WebhookDeliveryRow['status'];
  attempts: number;
  /** The receiver's HTTP status; null when there was none. */
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
}

export interface NotifyOptions {
  /** False: one attempt only (the admin's test). */
  retries?: boolean;
}

type Pending = Pick<WebhookDeliveryRow, 'id' | 'siteId' | 'event' | 'url' | 'payload' | 'attempts'>;

/**
 * Notifies the site's webhook of `event`: null when the site has no `webhookUrl`, else how the
 * first attempt went (later ones are the retry loop's). Never throws: a failure is logged.
 * Call it without awaiting so a reply never waits on it (`void notify(…)`); on a Worker's
 * request path, hand the promise to `ctx.waitUntil`.
 */
export async function notify(deps: NotifyDeps, siteId: string, event: NotifyEvent, opts: NotifyOptions = {}): Promise<DeliveryOutcome | null> {
  try {
    const site = await deps.db.sites.get(siteId);
    const url = site?.settings?.webhookUrl;
    if (!site || !url) return null;
    const now = deps.clock.now();
    const id = deps.newId('whd');
    const payload = buildPayload(event, { deliveryId: id, site: { id: site.id, name: site.name }, at: new Date(now), publicUrl: deps.webhooks?.publicUrl });
    await deps.db.webhooks.record({ id, siteId, event: event.type, url, payload, nextAttemptAt: new Date(now + LEASE_MS) });
    return await attempt(deps, { id, siteId, event: event.type, url, payload, attempts: 0 }, opts.retries !== false);
  } catch (err) {
    deps.log.warn('webhook: could not notify', { site: siteId, event: event.type, error: String(err) });
    return null;
  }
}

/**
 * Attempts the pending deliveries due at `now` (at most `limit`); claimed first, so processes
 * running this side by side never send one twice. Never throws; returns what it attempted.
 */
export async function retryDue(deps: NotifyDeps, now: number = deps.clock.now(), limit = 20): Promise<DeliveryOutcome[]> {
  let due: WebhookDeliveryRow[];
  try {
    due = await deps.db.webhooks.due(new Date(now), limit, new Date(now + LEASE_MS));
  } catch (err) {
    deps.log.warn('webhook: could not read the deliveries due', { error: String(err) });
    return [];
  }
  const done = await Promise.all(
    due.map((d) =>
      attempt(deps, d, true).catch((err: unknown) => {
        deps.log.warn('webhook: an attempt failed to settle', { delivery: d.id, error: String(err) });
        return null;
      }),
    ),
  );
  return done.filter((d): d is DeliveryOutcome => d !== null);
}

async function attempt(deps: NotifyDeps, d: Pending, retries: boolean): Promise<DeliveryOutcome> {
  const site = await deps.db.sites.get(d.siteId);
  const url = site?.settings?.webhookUrl;
  const secret = url ? await deps.db.sites.webhookSecret(d.siteId) : null;
  const unreadable = typeof d.payload.unreadable === 'string' ? d.payload.unreadable : null;
  if (!url || !secret || unreadable) {
    const error = !url
      ? 'the site has no webhookUrl now'
      : !secret
        ? `the site has no webhook secret: npm run site -- keys ${d.siteId} --rotate webhook`
        : `its body cannot be read: ${unreadable}`;
    await deps.db.webhooks.markFailed(d.id, { attempts: d.attempts, status: null, error, url: url ?? d.url });
    deps.log.warn(`webhook: delivery ${d.id} failed: ${error}`, { site: d.siteId, event: d.event });
    return { id: d.id, status: 'failed', attempts: d.attempts, lastStatus: null, lastError: error, nextAttemptAt: null };
  }

  const attempts = d.attempts + 1;
  const body = JSON.stringify(d.payload);
  const timeoutMs = deps.webhooks?.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'support-chat-webhooks/1',
    [SIGNATURE_HEADER]: await signWebhook(secret, body, deps.clock.now() / 1000),
    'X-Support-Chat-Event': d.event,
    'X-Support-Chat-Delivery': d.id,
  };
  let status: number | null = null;
  let error: string | null = null;
  let retryAfterMs = 0;
  try {
    // No redirects: the signature and the body go to the URL the site named, or nowhere.
    const res = await (deps.webhooks?.fetch ?? fetch)(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    status = res.status;
    retryAfterMs = retryAfter(res.headers.get('retry-after'));
    const said = await firstBytes(res);
    if (status < 200 || status >= 300) error = `HTTP ${status}${said ? `: ${said}` : ''}`;
  } catch (err) {
    error = describe(err, timeoutMs);
  }

  const now = deps.clock.now();
  const attempt = { attempts, status, error, url };
  if (status !== null && status >= 200 && status < 300) {
    await deps.db.webhooks.markDelivered(d.id, { ...attempt, at: new Date(now) });
    return { id: d.id, status: 'delivered', attempts, lastStatus: status, lastError: null, nextAttemptAt: null };
  }
  const backoff = deps.webhooks?.backoffMs ?? BACKOFF_MS;
  if (!retries || refused(status) || attempts > backoff.length) {
    await deps.db.webhooks.markFailed(d.id, attempt);
    deps.log.warn(`webhook: delivery ${d.id} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error}`, { site: d.siteId, event: d.event });
    return { id: d.id, status: 'failed', attempts, lastStatus: status, lastError: error, nextAttemptAt: null };
  }
  const wait = Math.min(Math.max(backoff[attempts - 1]!, retryAfterMs), backoff[backoff.length - 1]!);
  const nextAttemptAt = new Date(now + wait);
  await deps.db.webhooks.markRetry(d.id, { ...attempt, nextAttemptAt });
  return { id: d.id, status: 'pending', attempts, lastStatus: status, lastError: error, nextAttemptAt };
}

/** The receiver said no for good: a 4xx other than 408 and 429, or a redirect (not followed). */
function refused(status: number | null): boolean {
  if (status === null) return false;
  if (status >= 300 && status < 400) return true;
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Retry-After in seconds, as ms; 0 when absent or a date (the backoff then decides). */
function retryAfter(value: string | null): number {
  const s = value && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : 0;
  return s * 1000;
}

/** The start of what the receiver answered, for the delivery's record; the rest is not read. */
async function firstBytes(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  try {
    const { value } = await reader.read();
    return value ? new TextDecoder().decode(value.subarray(0, 200)).replace(/\s+/g, ' ').trim() : '';
  } catch {
    return '';
  } finally {
    reader.cancel().catch(() => {});
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (code === 'ENOTFOUND') return 'no such host (ENOTFOUND)';
  if (code) return `${e.cause?.message ?? e.message} (${code})`;
  return e?.cause?.message ?? e?.message ?? String(err);
}
