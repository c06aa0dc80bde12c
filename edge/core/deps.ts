import type { SiteModels } from '../intents/site-models';
import type { Metrics } from './metrics';
import type { Clock, Db, Embedder, IdGen, IntentSource, Llm, Logger, ObjectStore, Reranker, SessionStore, VectorStore } from './ports';

/** Tunables of the answer pipeline, taken from the validated config by the runtime entry. */
export interface PipelineSettings {
  topK: number;
  rerankTopN: number;
  maxContextTokens: number;
  cacheTtlSeconds: number;
  /** Longest question the pipeline reads, in characters (longer text is capped, not refused). */
  maxQuestionChars: number;
}

export interface Limits {
  perAddressPerMinute: number;
  perSitePerMinute: number;
  perSitePerSecond: number;
  newConversationsPerHour: number;
  socketsPerAddress: number;
  socketIdleSeconds: number;
}

export interface Deps {
  settings: PipelineSettings & {
    rateLimitPerMinute: number;
    /** Beyond one conversation's own limit; missing in tests that build settings by hand: no limit. */
    limits?: Limits;
    /** A site's daily LLM allowance (pipeline/budget.ts); none when unset. */
    budget?: { tokensPerDay?: number; usdPerDay?: number };
    /** The longest one answer may take before the visitor is told and the turn ends. */
    answerTimeoutMs: number;
    /** How long a silent answering process keeps a message before another may take it over. */
    turnLeaseMs: number;
    /** ADMIN_TOKEN: the admin API is off without it. */
    adminToken?: string;
  };
  db: Db;
  vectors: VectorStore;
  embedder: Embedder;
  reranker: Reranker;
  llm: Llm;
  /** The embedded answerer: what answers when `llm` may not (a site past its budget). Unset when `llm` is it. */
  localLlm?: Llm;
  /** The embedded classifier, or a remote one behind it (INTENT_MODEL). */
  intents: IntentSource;
  /** Sites' own trained intent models, held by this process (edge/intents). Unset: built-in intents only. */
  siteIntents?: SiteModels;
  sessions: SessionStore;
  /** Where the originals of uploaded files are kept (S3, R2, DATA_DIR/objects); unset: nowhere. */
  objects?: ObjectStore;
  log: Logger;
  /** Counts and timings for `/metrics` (core/metrics.ts names them); unset: nothing is counted. */
  metrics?: Metrics;
  clock: Clock;
  newId: IdGen;
  /**
   * Runs work that outlives the event at hand (a webhook's first attempt). Unset: it simply runs
   * on (Node); a Durable Object keeps itself and its database connection alive for it.
   */
  background?: (work: () => Promise<unknown>) => void;
  /** Webhook notifications (edge/notify): PUBLIC_URL for links into the inbox; tests inject fetch and shorter waits. */
  webhooks?: WebhookSettings;
}

export interface WebhookSettings {
  /** The server's public address: notifications link to `<publicUrl>/agent#t=<ticket>`. */
  publicUrl?: string;
  fetch?: typeof fetch;
  /** One attempt's limit (default 5 s). */
  timeoutMs?: number;
  /** Waits before the second, third, … attempt; attempts end after the last (default 30 s, 2 min, 10 min, 1 h, 6 h). */
  backoffMs?: readonly number[];
}
