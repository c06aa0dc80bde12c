import { z } from 'zod';
import { parseKeyRing } from '../core/crypto/keyring';
import { parseIntentLabels } from '../providers/huggingface/labels';

/**
 * Every setting the product reads, validated once at start. The runtime hands in its
 * environment (process.env on Node, bindings on Workers); nothing else reads it.
 * `.env.example` documents each name with its default.
 */
const int = (min: number, max: number, def: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` })
    .default(def);

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

/** A number that may be left unset (or empty); `whole` for counts. */
const optionalNumber = (min: number, max: number, whole = false) =>
  optionalText.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    const problem = !Number.isFinite(n)
      ? 'must be a number'
      : whole && !Number.isInteger(n)
        ? 'must be a whole number'
        : n < min
          ? `must be at least ${min}`
          : n > max
            ? `must be at most ${max}`
            : null;
    if (problem === null) return n;
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });
const optionalInt = (min: number, max: number) => optionalNumber(min, max, true);

const optionalUrl = (protocols: string[]) =>
  optionalText.refine((v) => v === undefined || isUrl(v, protocols), {
    message: `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`,
  });

/** A Hub model id: `name` or `owner/name`. */
const MODEL_ID = /^[A-Za-z0-9][\w.-]*(?:\/[\w.-]+)?$/;

function isUrl(v: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(v).protocol);
  } catch {
    return false;
  }
}

export const configSchema = z.object({
  PORT: int(0, 65535, 8787),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  /** Where the server looks for demo data to load into an empty database. */
  DEMO_DATA_DIR: optionalText,
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { message: 'must be debug, info, warn or error' }).default('info'),
  /** json: one JSON object per line (pino on Node), for log collectors; unset or text: readable lines. */
  LOG_FORMAT: z.enum(['json', 'text'], { message: 'must be json or text' }).optional(),

  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalUrl(['http:', 'https:']),
  COHERE_API_KEY: optionalText,
  COHERE_BASE_URL: optionalUrl(['http:', 'https:']),
  /** Hugging Face access token: the serverless Inference API, or an Inference Endpoint that asks for one. */
  HF_TOKEN: optionalText,
  /**
   * Intents from this Hugging Face model instead of the embedded classifier (which stays the
   * fallback). Needs HF_TOKEN (the serverless Inference API) or HF_ENDPOINT_URL.
   */
  INTENT_MODEL: optionalText.superRefine((v, ctx) => {
    if (v === undefined || MODEL_ID.test(v)) return;
    const message = /^https?:/i.test(v)
      ? 'must be a model id, not a URL: put an Inference Endpoint or TEI server in HF_ENDPOINT_URL and name its model here'
      : 'must be a Hugging Face model id such as facebook/bart-large-mnli (owner/name)';
    ctx.addIssue({ code: 'custom', message });
  }),
  /** text-classification: a model fine-tuned on the intents; zero-shot: an NLI model choosing among the intent names. */
  INTENT_TASK: z.enum(['text-classification', 'zero-shot'], { message: 'must be text-classification or zero-shot' }).default('text-classification'),
  /** A dedicated Inference Endpoint or a TEI server (its /predict) serving INTENT_MODEL, instead of the serverless API. */
  HF_ENDPOINT_URL: optionalUrl(['http:', 'https:']),
  /** The model's labels → intents, `label=intent` comma-separated (zero-shot: the labels it is offered). */
  INTENT_LABELS: optionalText.superRefine((v, ctx) => {
    for (const problem of parseIntentLabels(v).problems) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** Below this score the model's top label counts as 'other' (the embedded classifier's bar too). */
  INTENT_THRESHOLD: z.coerce
    .number({ message: 'must be a number' })
    .min(0, { message: 'must be at least 0' })
    .max(1, { message: 'must be at most 1' })
    .default(0.4),
  QDRANT_URL: optionalUrl(['http:', 'https:']),
  QDRANT_API_KEY: optionalText,
  /** redis:// or rediss:// (a Redis server); https:// with UPSTASH_REDIS_REST_TOKEN (Upstash over REST). */
  REDIS_URL: optionalUrl(['redis:', 'rediss:', 'https:', 'http:']),
  UPSTASH_REDIS_REST_URL: optionalUrl(['http:', 'https:']),
  UPSTASH_REDIS_REST_TOKEN: optionalText,
  POSTGRES_URL: optionalUrl(['postgres:', 'postgresql:']),
  SENTRY_DSN: optionalUrl(['http:', 'https:']),
  /** An OTLP/HTTP collector (its base URL; traces go to /v1/traces); Node exports spans only when set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http:', 'https:']),
  OTEL_SERVICE_NAME: optionalText.default('support-chat'),

  RAG_MAX_CONTEXT_TOKENS: int(64, 200_000, 1500),
  RAG_TOP_K: int(1, 200, 20),
  RAG_RERANK_TOP_N: int(1, 50, 4),
  RAG_CACHE_TTL: int(0, 7 * 24 * 3600, 300),
  /**
   * `auto` (unset): all-MiniLM-L6-v2 on Node when its files are installed, local-hash-384
   * otherwise and on Workers. Or local-hash-384, all-MiniLM-L6-v2 (Node only), or an OpenAI model.
   */
  EMBEDDING_MODEL: z.string().trim().min(1).default('auto'),
  LLM_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  LLM_TEMPERATURE: z.coerce
    .number({ message: 'must be a number' })
    .min(0, { message: 'must be at least 0' })
    .max(2, { message: 'must be at most 2' })
    .default(0.2),
  LLM_MAX_TOKENS: int(16, 32_768, 512),

  /** How long answers in flight may finish after SIGTERM before they are cut short. */
  SHUTDOWN_GRACE_MS: int(0, 600_000, 25_000),
  /**
   * How long a process answering a message may go silent (it renews every third of this)
   * before another process sharing the stores takes the message over.
   */
  TURN_LEASE_MS: int(500, 600_000, 10_000),

  /** Messages one conversation may send per minute (sliding window) before `rate_limited`. */
  RATE_LIMIT_PER_MINUTE: int(1, 10_000, 20),
  /** Messages one client address may send per minute, over all its conversations. */
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: int(1, 100_000, 60),
  /** Messages one site may receive per minute, from everyone: the bill's ceiling. */
  RATE_LIMIT_PER_SITE_PER_MINUTE: int(1, 1_000_000, 600),
  /** Messages one site may receive per second: a burst within the minute's allowance is spread out. */
  RATE_LIMIT_PER_SITE_PER_SECOND: int(1, 100_000, 20),
  /** Conversations one client address may start per hour. */
  NEW_CONVERSATIONS_PER_ADDRESS_PER_HOUR: int(1, 100_000, 120),
  /** Open sockets one client address may hold on one Node process. */
  SOCKETS_PER_ADDRESS: int(1, 100_000, 20),
  /** A socket that sends nothing (not even a ping) this long is closed (Node). */
  SOCKET_IDLE_SECONDS: int(10, 86_400, 300),
  /**
   * Proxies in front of a Node server that append to X-Forwarded-For (a load balancer: 1).
   * 0 trusts no header: the socket's peer is the client. Workers read CF-Connecting-IP.
   */
  TRUST_PROXY: int(0, 10, 0),

  /**
   * A site's daily allowance of LLM spend, counted from UTC midnight: tokens (prompt,
   * completion and embedding) and US dollars. Past either, its answers come from the embedded
   * extractive answerer until the day ends. Unset: no limit.
   */
  SITE_DAILY_TOKEN_BUDGET: optionalInt(1, 1_000_000_000),
  SITE_DAILY_BUDGET_USD: optionalNumber(0, 1_000_000),

  /** Conversations idle this many days are erased by `npm run retention` and the Worker's cron trigger. Unset: kept. */
  RETENTION_DAYS: optionalInt(1, 36_500),
  /**
   * Workers: conversations one run of the daily cron trigger erases at most (each costs a few
   * subrequests: the session store's and its Durable Object's); the next run goes on.
   */
  RETENTION_PER_RUN: int(1, 100_000, 1000),

  /**
   * Encryption at rest of visitor data (message text, ticket reasons, feedback comments, order
   * emails): `kid:base64key` entries, comma-separated, the first current; each key 32 bytes.
   * Unset: stored in the clear.
   */
  DATA_ENCRYPTION_KEY: optionalText.superRefine((v, ctx) => {
    if (v === undefined) return;
    for (const message of parseKeyRing(v).problems ?? []) ctx.addIssue({ code: 'custom', message });
  }),

  /**
   * S3 or an S3-compatible server (MinIO, R2's S3 API) for the original file of every ingested
   * document; all four together. Unset: files under DATA_DIR/objects (Node).
   */
  S3_ENDPOINT: optionalUrl(['http:', 'https:']),
  S3_BUCKET: optionalText,
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_REGION: optionalText,

  /** Bearer token for /v1/admin/*; the admin API is off when unset. */
  ADMIN_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),

  /** Bearer token a Prometheus scraper sends for /metrics (Node); /metrics is off when unset. */
  METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
});

export type Config = z.infer<typeof configSchema>;
