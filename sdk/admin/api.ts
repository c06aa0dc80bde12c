/**
 * The admin page's HTTP client: the admin API with a Bearer token (ADMIN_TOKEN, or a token
 * with the `read` scope). A 401 means the token is wrong or revoked: `onRejected` fires and
 * the page asks again.
 */
import type { Insights } from '@support-chat/protocol/insights';

export type { Insights };

export interface SiteSummary {
  id: string;
  name: string;
}

export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

export class AdminApi {
  constructor(
    private readonly token: string,
    private readonly fetcher: typeof fetch = (...a) => fetch(...a),
  ) {}

  async sites(): Promise<SiteSummary[]> {
    return (await this.get<{ sites: SiteSummary[] }>('/v1/admin/sites')).sites;
  }

  insights(site: string, days: number): Promise<Insights> {
    return this.get(`/v1/admin/sites/${encodeURIComponent(site)}/insights?days=${days}`);
  }

  private async get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await this.fetcher(path, { headers: { authorization: `Bearer ${this.token}` } });
    } catch {
      throw new AdminError(0, 'The server cannot be reached. Check your connection and try again.');
    }
    if (res.ok) return (await res.json()) as T;
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new AdminError(res.status, body?.error?.message ?? `the server answered ${res.status}`);
  }
}
