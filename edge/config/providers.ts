/**
 * Picks the implementation of each job from the validated config: the cloud provider when it
 * is configured (each under its own resilience policy, with the embedded one as fallback
 * where that is honest), the embedded one otherwise. Runtime-agnostic: Node and Workers both
 * build their providers here.
 */
import type { Config } from './schema';
import type { Clock, Embedder, Llm, Logger, Reranker, VectorStore } from '../core/ports';
import { QdrantVectorStore } from '../stores/vectors/qdrant';
import { cohereClient, CohereReranker, DEFAULT_RERANK_MODEL } from '../providers/cohere/rerank';
import { LOCAL_EMBEDDING_MODEL, LocalEmbedder } from '../providers/embeddings/local';
import { ExtractiveAnswerer } from '../providers/llm/extractive';
import { isOpenAi, openAiClient } from '../providers/openai/client';
import { OPENAI_EMBEDDING_DIMENSIONS, OpenAiEmbedder } from '../providers/openai/embeddings';
import { OpenAiLlm } from '../providers/openai/llm';
import { LocalReranker } from '../providers/rerank/local';
import { FallbackLlm, FallbackReranker } from '../providers/resilience/fallback';
import { ResiliencePolicy, type PolicyDeps, type PolicySettings } from '../providers/resilience/policy';
import type { IdleTimeouts } from '../providers/resilience/timeout';

export type ProviderJob = 'llm' | 'embeddings' | 'rerank' | 'vectors';

export interface SelectOptions {
  log: Logger;
  /** The fetch the SDKs use (a test's, or a runtime's own). */
  fetch?: typeof fetch;
  clock?: Clock;
  random?: () => number;
  sleep?: PolicyDeps['sleep'];
  /** Overrides of each policy (tests shorten timeouts and cool-downs). */
  policies?: Partial<Record<'llm' | 'embeddings' | 'rerank' | 'vectors', Partial<PolicySettings>>>;
  /** Longest waits for an LLM stream's first chunk and between chunks. */
  llmIdle?: IdleTimeouts;
}

export interface SelectedProviders {
  llm: Llm;
  embedder: Embedder;
  reranker: Reranker;
  /** Which implementation serves each job, for the start-up log. */
  describe: Record<ProviderJob, string>;
  /** What must be learned before the index is prepared (an unknown embedding model's dimensions). */
  ready(): Promise<void>;
}

/** Interactive calls fail fast so the fallback answers; an ingest's document embeddings may wait. */
const POLICIES: Record<'llm' | 'embeddings' | 'rerank' | 'vectors', Partial<PolicySettings>> = {
  // Time to the response headers (a streamed answer's words have their own budget, see OpenAiLlm).
  llm: { timeoutMs: 10_000, retries: 1, maxRetryAfterMs: 3_000 },
  embeddings: { timeoutMs: 4_000, retries: 1, maxRetryAfterMs: 2_000 },
  rerank: { timeoutMs: 3_000, retries: 1, maxRetryAfterMs: 1_000 },
  vectors: { timeoutMs: 10_000, retries: 2, maxRetryAfterMs: 3_000 },
};
const DOCUMENT_EMBEDDING = { timeoutMs: 60_000, retries: 5, maxDelayMs: 20_000, maxRetryAfterMs: 60_000 };

export function selectProviders(config: Config, o: SelectOptions): SelectedProviders {
  const policy = (name: string, job: keyof typeof POLICIES) =>
    new ResiliencePolicy(name, { ...POLICIES[job], ...o.policies?.[job] }, { clock: o.clock ?? { now: () => Date.now() }, log: o.log, random: o.random, sleep: o.sleep });
  const openai = usesOpenAi(config) ? openAiClient({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, fetch: o.fetch }) : null;
  const official = isOpenAi(config.OPENAI_BASE_URL);

  const extractive = new ExtractiveAnswerer();
  const llm: Llm = openai
    ? new FallbackLlm(
        new OpenAiLlm({
          client: openai,
          model: config.LLM_MODEL,
          temperature: config.LLM_TEMPERATURE,
          maxTokens: config.LLM_MAX_TOKENS,
          policy: policy('openai', 'llm'),
          log: o.log,
          legacyMaxTokens: !official,
          idle: o.llmIdle,
        }),
        extractive,
        o.log,
      )
    : extractive;

  let embedder: Embedder = new LocalEmbedder();
  if (!isLocalEmbedding(config)) {
    if (!openai) throw new Error(`EMBEDDING_MODEL=${config.EMBEDDING_MODEL} needs OPENAI_API_KEY or OPENAI_BASE_URL`);
    embedder = new OpenAiEmbedder({
      client: openai,
      model: config.EMBEDDING_MODEL,
      policy: policy('openai-embeddings', 'embeddings'),
      encoding: official ? 'base64' : 'float',
      tuning: { document: DOCUMENT_EMBEDDING },
    });
  }

  const local = new LocalReranker();
  const reranker: Reranker = config.COHERE_API_KEY
    ? new FallbackReranker(
        new CohereReranker(cohereClient({ token: config.COHERE_API_KEY, baseUrl: config.COHERE_BASE_URL, fetch: o.fetch }), policy('cohere', 'rerank')),
        local,
        o.log,
      )
    : local;

  return {
    llm,
    embedder,
    reranker,
    describe: describeProviderChoices(config),
    ready: async () => {
      if (embedder instanceof OpenAiEmbedder) await embedder.init();
    },
  };
}

/** Qdrant when QDRANT_URL is set, else what the runtime has (pgvector beside its database). */
export function selectVectorStore(
  config: Config,
  fallback: () => VectorStore,
  o: { log?: Logger; clock?: Clock; policy?: Partial<PolicySettings> } = {},
): VectorStore {
  if (!config.QDRANT_URL) return fallback();
  const log = o.log ?? { debug() {}, info() {}, warn() {}, error() {} };
  return new QdrantVectorStore({
    url: config.QDRANT_URL,
    apiKey: config.QDRANT_API_KEY,
    policy: new ResiliencePolicy('qdrant', { ...POLICIES.vectors, ...o.policy }, { clock: o.clock ?? { now: () => Date.now() }, log }),
  });
}

/** What `selectProviders` picks, in words, without building anything. */
export function describeProviderChoices(config: Config): Record<ProviderJob, string> {
  const where = config.OPENAI_BASE_URL && !isOpenAi(config.OPENAI_BASE_URL) ? ` at ${config.OPENAI_BASE_URL} (OpenAI-compatible)` : '';
  const configured = config.OPENAI_API_KEY ? 'OPENAI_API_KEY is configured' : 'OPENAI_BASE_URL is configured';
  const dims = OPENAI_EMBEDDING_DIMENSIONS[config.EMBEDDING_MODEL];
  return {
    llm: usesOpenAi(config)
      ? `OpenAI ${config.LLM_MODEL}${where} (${configured}; falls back to the local extractive answerer)`
      : 'local extractive answerer',
    embeddings: isLocalEmbedding(config)
      ? `local (${config.EMBEDDING_MODEL})`
      : `OpenAI ${config.EMBEDDING_MODEL}${where} (${dims ? `${dims} dimensions` : 'dimensions from its first answer'}; the vector side is skipped if it fails)`,
    rerank: config.COHERE_API_KEY
      ? `Cohere ${DEFAULT_RERANK_MODEL}${config.COHERE_BASE_URL ? ` at ${config.COHERE_BASE_URL}` : ''} (falls back to the local reranker)`
      : 'local reranker',
    vectors: config.QDRANT_URL
      ? `Qdrant at ${config.QDRANT_URL}`
      : config.POSTGRES_URL
        ? `pgvector in PostgreSQL at ${new URL(config.POSTGRES_URL).host}`
        : 'pgvector in PGlite',
  };
}

function usesOpenAi(config: Config): boolean {
  return Boolean(config.OPENAI_API_KEY || config.OPENAI_BASE_URL);
}

function isLocalEmbedding(config: Config): boolean {
  return config.EMBEDDING_MODEL === LOCAL_EMBEDDING_MODEL || config.EMBEDDING_MODEL.startsWith('local-');
}

