/**
 * The inbox's HTTP client for `/agent/*` (protocol/inbox.ts): same-origin fetches with the
 * session cookie, JSON writes (the server refuses anything else as CSRF), and one error type.
 * A 401 from any call means the session ended: `onExpired` fires once and the app signs out.
 */
import type { AgentMessage, InboxErrorCode, Page, Suggestion, TicketDetail, TicketSummary } from '@support-chat/protocol/inbox';

export interface Me {
  id: string;
  name: string;
  email?: string;
  site: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: InboxErrorCode | string,
    message: string,
    /** Seconds to wait, from a 429. */
    readonly retryAfter?: number,
    /** Who holds the ticket, with `ticket_taken`. */
    readonly assignee?: { id: string; name: string },
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueueStatus = 'open' | 'closed';

export class InboxApi {
  constructor(
    private readonly onExpired: (message: string) => void = () => {},
    private readonly base = '',
    private readonly fetcher: typeof fetch = (...a) => fetch(...a),
  ) {}

  me(): Promise<{ agent: Me }> {
    return this.call('GET', '/agent/me', undefined, false);
  }

  login(email: string, password: string): Promise<{ agent: Me }> {
    return this.call('POST', '/agent/login', { email, password }, false);
  }

  logout(): Promise<void> {
    return this.call('POST', '/agent/logout', {}, false);
  }

  tickets(status: QueueStatus, cursor?: string | null, limit?: number): Promise<Page<TicketSummary>> {
    const q = new URLSearchParams({ status });
    if (cursor) q.set('cursor', cursor);
    if (limit) q.set('limit', String(limit));
    return this.call('GET', `/agent/api/tickets?${q}`);
  }

  ticket(id: string): Promise<TicketDetail> {
    return this.call('GET', `/agent/api/tickets/${encodeURIComponent(id)}`);
  }

  assign(id: string, force = false): Promise<TicketSummary> {
    return this.call('POST', `${path(id)}/assign`, force ? { force: true } : {});
  }

  reply(id: string, text: string): Promise<{ message: AgentMessage; ticket: TicketSummary }> {
    return this.call('POST', `${path(id)}/reply`, { text });
  }

  close(id: string): Promise<TicketSummary> {
    return this.call('POST', `${path(id)}/close`, {});
  }

  suggest(id: string): Promise<Suggestion> {
    return this.call('POST', `${path(id)}/suggest`, {});
  }

  /** `expires`: whether a 401 here means the session ended (not for sign-in itself). */
  private async call<T>(method: 'GET' | 'POST', url: string, body?: unknown, expires = true): Promise<T> {
    let res: Response;
    try {
      res = await this.fetcher(this.base + url, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'Could not reach the server. Check your connection.');
    }
    if (res.status === 204) return undefined as T;
    const data = (await res.json().catch(() => null)) as (T & { error?: never }) | { error?: ErrorBody } | null;
    if (res.ok && data && !('error' in data && data.error)) return data as T;
    const err = (data as { error?: ErrorBody } | null)?.error;
    const retry = err?.retryAfter ?? (Number(res.headers.get('retry-after')) || undefined);
    const failure = new ApiError(res.status, err?.code ?? 'unavailable', err?.message ?? `the server answered ${res.status}`, retry, err?.assignee);
    if (res.status === 401 && expires) this.onExpired('Your session has ended. Sign in again.');
    throw failure;
  }
}

interface ErrorBody {
  code: string;
  message: string;
  retryAfter?: number;
  assignee?: { id: string; name: string };
}

const path = (id: string) => `/agent/api/tickets/${encodeURIComponent(id)}`;

/** What to show for a failed call: the server's message as a sentence; a lock also says when it ends. */
export function errorText(err: unknown, now = Date.now()): string {
  if (!(err instanceof ApiError)) return 'Something went wrong. Try again.';
  const msg = err.message.charAt(0).toUpperCase() + err.message.slice(1);
  if (err.status === 429 && err.retryAfter) {
    const at = new Date(now + err.retryAfter * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return `${msg} (at ${at}).`;
  }
  return msg.endsWith('.') ? msg : `${msg}.`;
}
