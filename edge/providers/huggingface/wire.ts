/**
 * The fetch the adapter hands `@huggingface/inference`, one per call, for two things the
 * library does not do for us:
 * - it keeps a failed response's status and headers: the library's errors carry the status
 *   under `httpResponse` and drop the headers, so without this ResiliencePolicy could tell
 *   neither a 429 or a 503 (retry, Retry-After) nor a 401 (trip the breaker) from a bad answer;
 * - it nests a flat list of predictions. The serverless Inference API answers one input of
 *   text-classification with `[[{label, score}, …]]`, the only shape the library accepts;
 *   a TEI server (`POST /predict` or `/`) and an Inference Endpoint answer `[{label, score}, …]`.
 */

export class HfApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly headers: Headers,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HfApiError';
  }
}

export interface CallFetch {
  fetch: typeof fetch;
  /** The last response that was not OK, if any. */
  failed(): { status: number; headers: Headers } | null;
}

export function callFetch(base: typeof fetch, o: { nestPredictions: boolean }): CallFetch {
  let failed: { status: number; headers: Headers } | null = null;
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const res = await base(input, init);
    if (!res.ok) {
      failed = { status: res.status, headers: res.headers };
      return res;
    }
    return o.nestPredictions ? nested(res) : res;
  };
  return { fetch: wrapped as typeof fetch, failed: () => failed };
}

/** The library's error, with the status and headers of the response behind it. */
export function withStatus(err: unknown, call: CallFetch): unknown {
  const f = call.failed();
  if (!f || !(err instanceof Error)) return err;
  return new HfApiError(err.message, f.status, f.headers, { cause: err });
}

async function nested(res: Response): Promise<Response> {
  if (!res.headers.get('content-type')?.startsWith('application/json')) return res;
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON after all: the library says so.
    return new Response(text, { status: res.status, headers: res.headers });
  }
  const flat = Array.isArray(body) && body.length > 0 && body.every(isPrediction);
  return new Response(flat ? JSON.stringify([body]) : text, { status: res.status, headers: res.headers });
}

function isPrediction(x: unknown): boolean {
  return typeof x === 'object' && x !== null && typeof (x as { label?: unknown }).label === 'string' && typeof (x as { score?: unknown }).score === 'number';
}
