/**
 * A local server that speaks OpenAI's REST protocol as the `openai` package sees it:
 * POST /v1/chat/completions (JSON, or SSE with `chat.completion.chunk`s, tool-call deltas, the
 * usage chunk of `stream_options.include_usage` and `data: [DONE]`), POST /v1/embeddings
 * (float or base64), OpenAI's error bodies `{error: {message, type, param, code}}` with their
 * status codes and headers (429 + Retry-After), and a Bearer key check.
 *
 * By default a small grounded "model" answers: it quotes the source that best matches the
 * question and cites it, calls lookup_order when offered the tool and given an order number
 * with an email, and says when nothing matches. Tests queue other replies: errors, a stream
 * cut half-way, a stall, a request that never answers.
 */
import type { ServerResponse } from 'node:http';
import { listen, record, sendJson, terms, type Recorded } from './http';
import { groundedModel } from './openai-model';

export type ChatReply =
  /** `pieceDelayMs`: a pause before each streamed piece, for an answer that takes a while. */
  | { type: 'text'; text: string; model?: string; finish?: 'stop' | 'length' | 'content_filter'; pieceDelayMs?: number }
  | { type: 'tool_calls'; calls: { name: string; arguments: unknown; id?: string }[] }
  | { type: 'error'; status: number; message?: string; errorType?: string; code?: string | null; headers?: Record<string, string> }
  /** Streams `afterPieces` pieces of the text, then drops the connection. */
  | { type: 'cut'; text: string; afterPieces: number }
  /** Streams `afterPieces` pieces (0: only the headers), then sends nothing more. */
  | { type: 'stall'; text?: string; afterPieces?: number }
  /** Never answers, not even headers. */
  | { type: 'hang' }
  /** A whole SSE body as written in a fixture file, sent as is. */
  | { type: 'sse'; body: string };

export type EmbeddingReply = { type: 'error'; status: number; message?: string; errorType?: string; code?: string | null; headers?: Record<string, string> };

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: { type: string; function: { name: string } }[];
  tool_choice?: string;
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
}

export interface OpenAiFake {
  /** The base URL to give the client (ends in /v1). */
  url: string;
  requests: Recorded[];
  chats(): ChatRequest[];
  queueChat(...replies: ChatReply[]): void;
  queueEmbeddings(...replies: EmbeddingReply[]): void;
  /** Replaces the default model for chat calls not served from the queue. */
  onChat(handler: ((req: ChatRequest) => ChatReply) | null): void;
  reset(): void;
  close(): Promise<void>;
}

export const EMBEDDING_DIMS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};
/** What the fake names the model in responses, like OpenAI's dated snapshots. */
export const SNAPSHOT: Record<string, string> = { 'gpt-4o-mini': 'gpt-4o-mini-2024-07-18', 'gpt-4o': 'gpt-4o-2024-08-06' };

const ERROR_TYPES: Record<number, [string, string | null, string]> = {
  400: ['invalid_request_error', null, 'Invalid request.'],
  401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.'],
  404: ['invalid_request_error', 'model_not_found', 'The model does not exist or you do not have access to it.'],
  429: ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests per min (RPM). Please try again later.'],
  500: ['server_error', null, 'The server had an error while processing your request. Sorry about that!'],
  503: ['server_error', null, 'The engine is currently overloaded, please try again later.'],
};

export async function startOpenAiFake(opts: { apiKey?: string } = {}): Promise<OpenAiFake> {
  const requests: Recorded[] = [];
  let chatQueue: ChatReply[] = [];
  let embeddingQueue: EmbeddingReply[] = [];
  let custom: ((req: ChatRequest) => ChatReply) | null = null;
  let seq = 0;

  const server = await listen(async (req, res, body, url) => {
    requests.push(record(req, url, body));
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) return sendError(res, { type: 'error', status: 401 });
    if (req.method === 'POST' && url.pathname === '/v1/chat/completions') {
      const chat = body as ChatRequest;
      const invalid = validateChat(chat);
      if (invalid) return sendError(res, { type: 'error', status: 400, message: invalid, code: null });
      const reply = chatQueue.shift() ?? custom?.(chat) ?? groundedModel(chat);
      return await answerChat(res, chat, reply, `chatcmpl-fake${++seq}`);
    }
    if (req.method === 'POST' && url.pathname === '/v1/embeddings') {
      const queued = embeddingQueue.shift();
      if (queued) return sendError(res, queued);
      return answerEmbeddings(res, body as EmbeddingRequest);
    }
    sendError(res, { type: 'error', status: 404, message: `Invalid URL (${req.method} ${url.pathname})`, code: null });
  });

  return {
    url: `${server.origin}/v1`,
    requests,
    chats: () => requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatRequest),
    queueChat: (...r) => void chatQueue.push(...r),
    queueEmbeddings: (...r) => void embeddingQueue.push(...r),
    onChat: (h) => void (custom = h),
    reset: () => {
      requests.length = 0;
      chatQueue = [];
      embeddingQueue = [];
      custom = null;
    },
    close: () => server.close(),
  };
}

function sendError(res: ServerResponse, e: Extract<ChatReply, { type: 'error' }>): void {
  const [type, code, message] = ERROR_TYPES[e.status] ?? ['server_error', null, 'Error.'];
  sendJson(
    res,
    e.status,
    { error: { message: e.message ?? message, type: e.errorType ?? type, param: null, code: e.code === undefined ? code : e.code } },
    { 'x-request-id': `req_${Math.random().toString(16).slice(2)}`, ...e.headers },
  );
}

/** The checks OpenAI makes that a client is most likely to trip over. */
function validateChat(c: ChatRequest): string | null {
  if (!c || typeof c.model !== 'string') return "you must provide a model parameter";
  if (!Array.isArray(c.messages) || c.messages.length === 0) return "'messages' must contain at least one message";
  if (c.stream_options && !c.stream) return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
  const called = new Set<string>();
  for (const m of c.messages) {
    for (const tc of m.tool_calls ?? []) called.add(tc.id);
    if (m.role === 'tool' && !called.has(m.tool_call_id ?? '')) {
      return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
    }
  }
  return null;
}

async function answerChat(res: ServerResponse, chat: ChatRequest, reply: ChatReply, id: string): Promise<void> {
  if (reply.type === 'hang') return;
  if (reply.type === 'error') return sendError(res, reply);
  if (reply.type === 'sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    return void res.end(reply.body);
  }
  const model = (reply.type === 'text' && reply.model) || SNAPSHOT[chat.model] || chat.model;
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = Math.ceil(JSON.stringify(chat.messages).length / 4);
  const text = reply.type === 'tool_calls' ? '' : (reply.text ?? '');
  const usage = { prompt_tokens: promptTokens, completion_tokens: Math.max(1, Math.ceil(text.length / 4)), total_tokens: 0 };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;

  if (!chat.stream) {
    if (reply.type !== 'text' && reply.type !== 'tool_calls') return void res.destroy();
    const message =
      reply.type === 'text'
        ? { role: 'assistant', content: reply.text, refusal: null }
        : { role: 'assistant', content: null, refusal: null, tool_calls: reply.calls.map((c, i) => ({ id: c.id ?? `call_${i}`, type: 'function', function: { name: c.name, arguments: args(c.arguments) } })) };
    const finish = reply.type === 'text' ? (reply.finish ?? 'stop') : 'tool_calls';
    return sendJson(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage, system_fingerprint: 'fp_fake' });
  }

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': `req_${id}` });
  const withUsage = chat.stream_options?.include_usage === true;
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices, ...(withUsage ? { usage: null } : {}), ...extra })}\n\n`);
  const delta = (d: Record<string, unknown>, finish: string | null = null) => send([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);

  if (reply.type === 'tool_calls') {
    delta({ role: 'assistant', content: null, tool_calls: reply.calls.map((c, i) => ({ index: i, id: c.id ?? `call_fake${i}`, type: 'function', function: { name: c.name, arguments: '' } })) });
    reply.calls.forEach((c, i) => {
      const a = args(c.arguments);
      const mid = Math.ceil(a.length / 2);
      for (const part of [a.slice(0, mid), a.slice(mid)]) if (part) delta({ tool_calls: [{ index: i, function: { arguments: part } }] });
    });
    delta({}, 'tool_calls');
  } else {
    delta({ role: 'assistant', content: '', refusal: null });
    const pieces = text.match(/\s*\S+/g) ?? [];
    const stopAt = reply.type === 'cut' ? reply.afterPieces : reply.type === 'stall' ? (reply.afterPieces ?? 0) : pieces.length;
    const pause = reply.type === 'text' ? (reply.pieceDelayMs ?? 0) : 0;
    for (const p of pieces.slice(0, stopAt)) {
      if (pause > 0) await new Promise((ok) => setTimeout(ok, pause));
      if (res.destroyed) return; // the client went away (its process was killed)
      delta({ content: p });
    }
    if (reply.type === 'cut' || reply.type === 'stall') {
      // Let what was written reach the client first, as a connection dropped mid-answer would.
      await new Promise<void>((ok) => res.write('', () => ok()));
      await new Promise((ok) => setTimeout(ok, 30));
      // A cut drops the connection; a stall keeps it open, silent, until the client gives up.
      if (reply.type === 'cut') res.socket?.destroy();
      return;
    }
    delta({}, reply.finish ?? 'stop');
  }
  if (withUsage) {
    send([], {
      usage: {
        ...usage,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
    });
  }
  res.write('data: [DONE]\n\n');
  res.end();
}

const args = (a: unknown) => (typeof a === 'string' ? a : JSON.stringify(a));

interface EmbeddingRequest {
  model: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
}

function answerEmbeddings(res: ServerResponse, r: EmbeddingRequest): void {
  const inputs = typeof r?.input === 'string' ? [r.input] : r?.input;
  if (!r || typeof r.model !== 'string') return sendError(res, { type: 'error', status: 400, message: 'you must provide a model parameter', code: null });
  if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 2048 || inputs.some((t) => typeof t !== 'string' || t === '')) {
    return sendError(res, { type: 'error', status: 400, message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", code: null });
  }
  let dims = EMBEDDING_DIMS[r.model] ?? 768;
  if (r.dimensions !== undefined) {
    if (!r.model.startsWith('text-embedding-3')) return sendError(res, { type: 'error', status: 400, message: 'This model does not support specifying dimensions.', code: null });
    dims = r.dimensions;
  }
  const data = inputs.map((text, index) => {
    const v = fakeEmbedding(text, dims);
    return { object: 'embedding', index, embedding: r.encoding_format === 'base64' ? Buffer.from(v.buffer).toString('base64') : Array.from(v) };
  });
  const tokens = inputs.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
  sendJson(res, 200, { object: 'list', data, model: r.model === 'text-embedding-3-small' ? 'text-embedding-3-small' : r.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/** Words hashed into signed buckets, L2-normalised: texts sharing words land close together. */
export function fakeEmbedding(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (const w of terms(text)) {
    let h = 2166136261;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619) >>> 0;
    for (let k = 0; k < 3; k++) {
      h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
      v[h % dims] += h & 1 ? 1 : -1;
    }
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm === 0) v[0] = 1;
  else for (let i = 0; i < dims; i++) v[i] /= Math.sqrt(norm);
  return v;
}
