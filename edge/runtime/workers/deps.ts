/**
 * The Workers runtime's dependencies. What holds no connection (config, the providers, the
 * session store over Upstash's HTTP API) is built once per isolate, by the builder Node uses
 * too (edge/wiring/deps.ts). Postgres is not: a Neon connection is a WebSocket, and a
 * WebSocket belongs to the request or Durable Object that opened it, so each of those connects
 * itself (`connectNeon`) and closes what it opened.
 */
import { ConfigError, loadConfig } from '../../config/load';
import type { Config } from '../../config/schema';
import type { Deps } from '../../core/deps';
import type { Logger, ObjectStore, VectorStore } from '../../core/ports';
import type { ErrorReporter } from '../../ops/errors';
import { consoleLogger } from '../../ops/logger';
import { openNeon, type NeonOptions, type OpenedNeon } from '../../stores/db/neon';
import { R2ObjectStore, type R2BucketLike } from '../../stores/objects/r2';
import { PgVectorStore } from '../../stores/vectors/pgvector';
import { s3From } from '../../wiring/objects';
import { startTracing, type Tracing } from '../../ops/tracing/otlp';
import { baseDeps, type BaseDeps, type Wired } from '../../wiring/deps';
import { sealingFor } from '../../wiring/sealing';
import { connectClosing, dbOver, sqlOver } from './connections';
import type { DurableObjectNamespace } from './platform';
import { analyticsMetrics, type AnalyticsDataset } from './analytics-metrics';
import { reportingLogger } from './reporting';
import { workerSessionStore } from './sessions';

/** Bindings and variables (wrangler.toml `[vars]`, secrets, `--var` in development). */
export interface WorkerEnv {
  CONVERSATIONS: DurableObjectNamespace;
  /** Optional R2 bucket for the originals of uploaded files (else S3_* when set, else none). */
  ORIGINALS?: R2BucketLike;
  /** Optional Analytics Engine dataset: the metrics /metrics has on Node (analytics-metrics.ts). */
  METRICS?: AnalyticsDataset;
  /** Local development only: the WebSocket-to-TCP proxy in front of a plain Postgres. */
  NEON_WS_PROXY?: string;
  [name: string]: unknown;
}

export type { BaseDeps };

export interface IsolateParts {
  config: Config;
  postgresUrl: string;
  neon: NeonOptions;
  base: BaseDeps;
  /** What the providers must learn before the index is prepared (an embedding model's dimensions). */
  providersReady(): Promise<void>;
  /** Qdrant when QDRANT_URL is set, else `own()` (the same choice as on Node). */
  vectors: Wired['vectors'];
  /** Where the originals of uploaded files go: the R2 binding, else S3_*; unset: nowhere. */
  objects?: ObjectStore;
  /** Traces by OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set: each event flushes its spans. */
  tracing: Tracing | null;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | null = null;
  return () =>
    (p ??= fn().catch((err) => {
      p = null;
      throw err;
    }));
}

let cached: { env: WorkerEnv; parts: IsolateParts } | null = null;
/** The isolate's tracer provider is global: registered once, whatever env objects come. */
let tracing: Tracing | null | undefined;

/** Validated config and the connection-free dependencies, once per isolate (and per env). */
export function isolateParts(env: WorkerEnv): IsolateParts {
  if (cached?.env === env) return cached.parts;
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') vars[k] = v;
  const config = loadConfig(vars);
  if (!config.POSTGRES_URL) {
    throw new ConfigError(['POSTGRES_URL must be set on Workers (your Neon connection string: `wrangler secret put POSTGRES_URL`)']);
  }
  const log = consoleLogger({ level: config.LOG_LEVEL, json: config.LOG_FORMAT === 'json' });
  const clock = { now: () => Date.now() };
  const sessions = workerSessionStore(config, { clock, log });
  log.info(`sessions, answer cache and rate limits: ${sessions.describe}`);
  log.info(`errors: ${config.SENTRY_DSN ? 'Sentry' : 'logged only (set SENTRY_DSN to report them)'}`);
  // No in-process models here (onnxruntime does not run on Workers): the hashed vectors by default.
  const metrics = env.METRICS ? analyticsMetrics(env.METRICS) : undefined;
  log.info(`metrics: ${metrics ? 'Workers Analytics Engine (binding METRICS)' : 'off (bind an Analytics Engine dataset as METRICS)'}`);
  const wired = baseDeps(config, { log, clock, sessions: sessions.store, ...(metrics ? { tuning: { metrics } } : {}) });
  for (const [job, impl] of Object.entries(wired.providers.describe)) log.info(`${job}: ${impl}`);
  const neon: NeonOptions = {
    ...(env.NEON_WS_PROXY ? { wsProxy: env.NEON_WS_PROXY } : {}),
    onError: (err) => log.warn('postgres connection dropped', { error: err.message }),
    // Keys imported once per isolate; every Neon connection seals and opens with them.
    sealing: sealingFor(config),
  };
  const objects = env.ORIGINALS ? new R2ObjectStore(env.ORIGINALS) : (s3From(config) ?? undefined);
  log.info(`originals: ${objects?.name ?? 'not kept (bind an R2 bucket as ORIGINALS, or set S3_*)'}`);
  tracing ??= startTracing(config, log);
  const parts: IsolateParts = {
    ...(objects ? { objects } : {}),
    tracing,
    config,
    postgresUrl: config.POSTGRES_URL,
    neon,
    base: wired.deps,
    providersReady: once(() => wired.providers.ready()),
    vectors: wired.vectors,
  };
  cached = { env, parts };
  return cached.parts;
}

/** This runtime's way to Postgres: Neon's driver, through `NEON_WS_PROXY` when set. */
export function connectNeon(parts: IsolateParts): OpenedNeon {
  return connectClosing((webSocketConstructor) => openNeon(parts.postgresUrl, { ...parts.neon, webSocketConstructor }));
}

/**
 * Deps over whichever Neon connection `current()` gives, with the isolate's other parts.
 * The vector index is prepared for this embedder on first use, once for these deps.
 * `reporter` also receives what the core logs as errors (it has no reporter of its own yet).
 */
export function depsOver(parts: IsolateParts, reporter: ErrorReporter, current: () => OpenedNeon, overrides: Partial<BaseDeps> = {}): Deps {
  // Qdrant when QDRANT_URL is set, else pgvector in the same Neon database.
  const store = parts.vectors(() => new PgVectorStore(sqlOver(() => current().sql)));
  let ensured: Promise<VectorStore> | null = null;
  const ready = () =>
    (ensured ??= parts
      .providersReady()
      .then(() => store.ensure({ model: parts.base.embedder.model, dimensions: parts.base.embedder.dimensions }))
      .then(
        () => store,
        (err) => {
          ensured = null;
          throw err;
        },
      ));
  // The pipeline searches without preparing the index: the first use here prepares it.
  const vectors: VectorStore = {
    name: store.name,
    get unavailable() {
      return store.unavailable;
    },
    ensure: (asked) => store.ensure(asked),
    info: () => store.info(),
    upsert: async (items) => (await ready()).upsert(items),
    bulkLoad: async (expected, load) => (await ready()).bulkLoad(expected, load),
    deleteByDocuments: async (ids) => (await ready()).deleteByDocuments(ids),
    search: async (siteId, vector, k) => (await ready()).search(siteId, vector, k),
  };
  const log: Logger = reportingLogger(overrides.log ?? parts.base.log, reporter);
  return { ...parts.base, ...(parts.objects ? { objects: parts.objects } : {}), ...overrides, log, db: dbOver(() => current().db), vectors };
}
