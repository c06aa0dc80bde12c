/**
 * A local server that speaks Cohere's v2 rerank protocol as `cohere-ai` sees it:
 * POST /v2/rerank with `{model, query, documents, top_n}` and a Bearer token, answering
 * `{id, results: [{index, relevance_score}], meta}` best first; errors as `{message}` with
 * their status codes (429 with Retry-After). Relevance is the share of the query's words a
 * document holds, squashed into 0..1 the way a cross-encoder's scores spread.
 */
import { randomUUID } from 'node:crypto';
import { listen, record, sendJson, terms, type Recorded } from './http';

export interface CohereReply {
  status: number;
  message?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow or hung upstream). */
  delayMs?: number;
}

export interface CohereFake {
  url: string;
  requests: Recorded[];
  queue(...replies: CohereReply[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startCohereFake(opts: { token?: string } = {}): Promise<CohereFake> {
  const requests: Recorded[] = [];
  let queue: CohereReply[] = [];
  const server = await listen(async (req, res, body, url) => {
    requests.push(record(req, url, body));
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return sendJson(res, 401, { message: 'invalid api token' });
    if (req.method !== 'POST' || url.pathname !== '/v2/rerank') return sendJson(res, 404, { message: `no route for ${req.method} ${url.pathname}` });
    const reply = queue.shift();
    if (reply?.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply && reply.status !== 200) return sendJson(res, reply.status, { message: reply.message ?? 'error' }, reply.headers);
    const r = body as { model?: unknown; query?: unknown; documents?: unknown; top_n?: unknown };
    if (typeof r?.model !== 'string' || !r.model) return sendJson(res, 400, { message: 'invalid request: model is required' });
    if (typeof r.query !== 'string' || !r.query.trim()) return sendJson(res, 400, { message: 'invalid request: query must not be empty' });
    if (!Array.isArray(r.documents) || r.documents.length === 0) return sendJson(res, 400, { message: 'invalid request: documents must not be empty' });
    if (r.documents.length > 1000) return sendJson(res, 400, { message: 'invalid request: too many documents, the maximum is 1000' });
    const docs = r.documents.map((d) => (typeof d === 'string' ? d : JSON.stringify(d)));
    const topN = typeof r.top_n === 'number' ? r.top_n : docs.length;
    if (!Number.isInteger(topN) || topN < 1) return sendJson(res, 400, { message: 'invalid request: top_n must be a positive integer' });
    const q = [...new Set(terms(r.query))];
    const results = docs
      .map((d, index) => {
        const have = new Set(terms(d));
        const coverage = q.length ? q.filter((t) => have.has(t)).length / q.length : 0;
        return { index, relevance_score: Math.round((0.01 + 0.98 * coverage ** 2) * 1e6) / 1e6 };
      })
      .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
      .slice(0, topN);
    sendJson(res, 200, { id: randomUUID(), results, meta: { api_version: { version: '2', is_experimental: false }, billed_units: { search_units: 1 } } });
  });
  return {
    url: server.origin,
    requests,
    queue: (...r) => void queue.push(...r),
    reset: () => {
      requests.length = 0;
      queue = [];
    },
    close: () => server.close(),
  };
}
