/**
 * A local server that speaks Hugging Face's inference wire protocols as `@huggingface/inference`
 * and TEI clients see them:
 * - the Hub's model info, `GET /api/models/<id>?expand[]=inferenceProviderMapping`, which the
 *   library reads once per model to route it: `{id, inferenceProviderMapping: [{provider,
 *   providerId, hfModelId, status, task}]}`, 404 `{error}` for a model it does not know;
 * - the serverless Inference API, `POST /hf-inference/models/<id>` (router.huggingface.co) with
 *   `Authorization: Bearer <token>`: text-classification `{inputs}` → `[[{label, score}, …]]`,
 *   zero-shot-classification `{inputs, parameters: {candidate_labels, multi_label}}` →
 *   `[{label, score}, …]` best first; errors as `{error}` (401 without the token, 503 loading);
 * - a TEI server (`tei` option): `POST /predict`, or `POST /` as TEI routes a classifier, with
 *   `{inputs}` → `[{score, label}, …]` best first, errors as `{error, error_type}`; `POST /` with
 *   `parameters.candidate_labels` answers as an Inference Endpoint running the zero-shot
 *   pipeline does: `{sequence, labels, scores}`.
 * Scores: each label's words found in the text, through a softmax, unless a reply is queued.
 * `fetch` sends what the library addresses to huggingface.co and router.huggingface.co here.
 */
import { listen, record, sendJson, type Recorded } from './http';

export type HfTask = 'text-classification' | 'zero-shot-classification';

export interface HfReply {
  status?: number;
  error?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow or hung upstream). */
  delayMs?: number;
  /** These scores instead of the computed ones. */
  scores?: Record<string, number>;
  /** This body as is (a malformed answer). */
  body?: unknown;
}

export interface HuggingFaceFake {
  url: string;
  requests: Recorded[];
  /** The URLs `fetch` was asked for, as the library built them (before they were sent here). */
  sent: string[];
  /** Classification requests (the Inference API's or TEI's), not the Hub's look-ups. */
  inferences(): Recorded[];
  queue(...replies: HfReply[]): void;
  reset(): void;
  fetch: typeof fetch;
  close(): Promise<void>;
}

export interface HfFakeOptions {
  /** The token the Inference API (and TEI, when it has one) requires. */
  token?: string;
  /** The models the Hub knows: their task and, for text-classification, their labels. */
  models?: Record<string, { task: HfTask; labels?: string[] }>;
  /** Serve TEI's routes for a classifier with these labels. */
  tei?: { labels: string[]; apiKey?: string };
}

export async function startHuggingFaceFake(opts: HfFakeOptions = {}): Promise<HuggingFaceFake> {
  const requests: Recorded[] = [];
  const sent: string[] = [];
  let queue: HfReply[] = [];
  const models = opts.models ?? {};

  const server = await listen(async (req, res, body, url) => {
    requests.push(record(req, url, body));
    const auth = req.headers.authorization;
    const hub = url.pathname.match(/^\/api\/models\/(.+)$/);
    if (req.method === 'GET' && hub) {
      if (auth && opts.token && auth !== `Bearer ${opts.token}`) return sendJson(res, 401, { error: 'Invalid credentials in Authorization header' });
      const model = models[hub[1]];
      if (!model) return sendJson(res, 404, { error: 'Repository not found' });
      const mapping = [{ provider: 'hf-inference', providerId: hub[1], hfModelId: hub[1], status: 'live', task: model.task }];
      return sendJson(res, 200, { _id: hub[1], id: hub[1], pipeline_tag: model.task, inferenceProviderMapping: mapping });
    }
    if (req.method !== 'POST') return sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` });

    const routed = url.pathname.match(/^\/hf-inference\/models\/(.+)$/);
    const tei = opts.tei && (url.pathname === '/predict' || url.pathname === '/');
    if (!routed && !tei) return sendJson(res, 404, { error: `no route for POST ${url.pathname}` });
    const key = routed ? opts.token : opts.tei?.apiKey;
    if (key && auth !== `Bearer ${key}`) {
      return routed ? sendJson(res, 401, { error: 'Invalid credentials in Authorization header' }) : sendJson(res, 401, { error: 'Unauthorized', error_type: 'unauthorized' });
    }

    const reply = queue.shift();
    if (reply?.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply?.status && reply.status !== 200) {
      const error = reply.error ?? 'error';
      return sendJson(res, reply.status, routed ? { error } : { error, error_type: 'backend' }, reply.headers);
    }
    if (reply?.body !== undefined) return sendJson(res, 200, reply.body);

    const r = body as { inputs?: unknown; parameters?: { candidate_labels?: unknown; multi_label?: unknown } } | undefined;
    if (typeof r?.inputs !== 'string' || !r.inputs.trim()) return sendJson(res, 400, routed ? { error: 'inputs must be a non-empty string' } : { error: 'Batch is empty', error_type: 'empty' });
    const candidates = r.parameters?.candidate_labels;
    const zeroShot = routed ? models[routed[1]]?.task === 'zero-shot-classification' : candidates !== undefined;

    if (routed && !models[routed[1]]) return sendJson(res, 404, { error: `Model ${routed[1]} does not exist` });
    if (zeroShot) {
      if (!Array.isArray(candidates) || candidates.length === 0 || !candidates.every((c) => typeof c === 'string')) {
        return sendJson(res, 400, { error: 'parameters.candidate_labels must be a non-empty list of strings' });
      }
      const ranked = rank(r.inputs, candidates as string[], reply?.scores);
      // The serverless API answers a list; an Endpoint's zero-shot pipeline, the legacy object.
      if (routed) return sendJson(res, 200, ranked);
      return sendJson(res, 200, { sequence: r.inputs, labels: ranked.map((x) => x.label), scores: ranked.map((x) => x.score) });
    }
    const labels = routed ? (models[routed[1]].labels ?? []) : opts.tei!.labels;
    const ranked = rank(r.inputs, labels, reply?.scores);
    return sendJson(res, 200, routed ? [ranked] : ranked.map(({ label, score }) => ({ score, label })));
  });

  const here = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const u = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    sent.push(u.href);
    if (u.host === 'huggingface.co' || u.host === 'router.huggingface.co') return fetch(`${server.origin}${u.pathname}${u.search}`, init);
    if (u.origin === server.origin) return fetch(u, init);
    throw new TypeError(`fetch failed: ${u.host} is not reachable from the tests`);
  };

  return {
    url: server.origin,
    requests,
    sent,
    inferences: () => requests.filter((r) => r.method === 'POST'),
    queue: (...r) => void queue.push(...r),
    reset: () => {
      requests.length = 0;
      sent.length = 0;
      queue = [];
    },
    fetch: here as typeof fetch,
    close: () => server.close(),
  };
}

/** Each label scored by its words found in the text, softmaxed; best first. */
function rank(text: string, labels: string[], fixed?: Record<string, number>): { label: string; score: number }[] {
  if (fixed) return Object.entries(fixed).map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score);
  const words = new Set(text.toLowerCase().match(/\p{L}+/gu) ?? []);
  const logits = labels.map((l) => 3 * (l.toLowerCase().match(/\p{L}{3,}/gu) ?? []).filter((w) => words.has(w) || words.has(`${w}s`)).length);
  const max = Math.max(...logits);
  const exp = logits.map((x) => Math.exp(x - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return labels.map((label, i) => ({ label, score: Math.round((exp[i] / sum) * 1e6) / 1e6 })).sort((a, b) => b.score - a.score);
}
