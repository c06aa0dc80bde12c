/**
 * What a failed provider call means for the policy: retry it, count it against the provider's
 * health, or give up at once. Each SDK shapes its errors differently (openai: `status` and a
 * `Headers`; cohere-ai: `statusCode` and `rawResponse.headers`; Qdrant: `status` and `headers`),
 * so the classification reads them by shape, not by class, and never imports an SDK.
 */

/** A call that took longer than its budget (the request is aborted). */
export class ProviderTimeoutError extends Error {
  constructor(
    readonly provider: string,
    readonly stage: string,
    readonly ms: number,
  ) {
    super(`${provider} ${stage} took longer than ${ms} ms`);
    this.name = 'ProviderTimeoutError';
  }
}

/** The breaker is open: the provider failed repeatedly and is left alone for a while. */
export class CircuitOpenError extends Error {
  constructor(
    readonly provider: string,
    readonly retryInMs: number,
  ) {
    super(`${provider} is failing; calls are paused for ${Math.ceil(retryInMs / 1000)} s (circuit open)`);
    this.name = 'CircuitOpenError';
  }
}

export interface Failure {
  /** Worth another attempt: 408, 409, 429, 5xx, a network error or a timeout. */
  retryable: boolean;
  /** Says the provider is unhealthy (trips the breaker); a 400 about one request does not. */
  unhealthy: boolean;
  status?: number;
  /** What the server asked for (Retry-After / retry-after-ms), in ms. */
  retryAfterMs?: number;
}

const NETWORK = /fetch failed|network|terminated|socket|ECONN|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR|other side closed|connection/i;

export function classify(err: unknown, now: number = Date.now()): Failure {
  if (err instanceof CircuitOpenError) return { retryable: false, unhealthy: false };
  if (err instanceof ProviderTimeoutError) return { retryable: true, unhealthy: true };
  const e = (err ?? {}) as Record<string, unknown>;
  const status = numberOr(e.status) ?? numberOr(e.statusCode);
  const headers = asHeaders(e.headers) ?? asHeaders((e.rawResponse as Record<string, unknown> | undefined)?.headers);
  let retryAfterMs = headers ? retryAfter(headers, now) : undefined;
  // Qdrant's client turns a 429 into its own error carrying `retry_after` in seconds.
  if (retryAfterMs === undefined && typeof e.retry_after === 'number' && Number.isFinite(e.retry_after)) retryAfterMs = e.retry_after * 1000;
  if (status !== undefined) {
    const hinted = headers?.get('x-should-retry');
    const retryable = hinted === 'true' ? true : hinted === 'false' ? false : status === 408 || status === 409 || status === 429 || status >= 500;
    return { retryable, unhealthy: retryable || status === 401 || status === 403, status, retryAfterMs };
  }
  // Qdrant's 429 arrives without a status, as a "resource exhausted" error with its wait.
  if (retryAfterMs !== undefined) return { retryable: true, unhealthy: true, retryAfterMs };
  const name = typeof e.name === 'string' ? e.name : '';
  // SDK-specific timeouts and connection errors carry no status.
  if (/Timeout|ConnectionError|TimeoutError/.test(name)) return { retryable: true, unhealthy: true };
  const text = `${String(e.message ?? '')} ${String((e.cause as { message?: string; code?: string } | undefined)?.message ?? '')} ${String((e.cause as { code?: string } | undefined)?.code ?? '')}`;
  if (err instanceof TypeError || NETWORK.test(text)) return { retryable: true, unhealthy: true };
  // Anything else (a malformed response, say) is not worth repeating but still says something is wrong.
  return { retryable: false, unhealthy: true };
}

/** `retry-after-ms` (OpenAI's precise hint), else `Retry-After` in seconds or as an HTTP date. */
export function retryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** True when the error is the caller's own abort (a visitor left, the answer timed out). */
export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  const name = (err as { name?: string } | null)?.name;
  return name === 'AbortError' || name === 'APIUserAbortError';
}

function numberOr(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function asHeaders(v: unknown): Headers | undefined {
  if (!v || typeof v !== 'object') return undefined;
  if (typeof (v as Headers).get === 'function') return v as Headers;
  try {
    return new Headers(v as Record<string, string>);
  } catch {
    return undefined;
  }
}

/** A short description for logs: status and message, no bodies (they may echo user text). */
export function describeError(err: unknown): string {
  const f = classify(err);
  const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return f.status ? `${f.status}: ${msg.slice(0, 200)}` : msg.slice(0, 200);
}
