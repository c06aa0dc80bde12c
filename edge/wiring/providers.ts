/**
 * Picks the implementation of each job from the validated config: the cloud provider when it
 * is configured (each under its own resilience policy, with the embedded one as fallback
 * where that is honest), the embedded one otherwise. Runtime-agnostic: Node, Workers and the
 * ingest CLI all build their providers here (the runtimes through `baseDeps`, in deps.ts).
 */
import type { Config } from '../config/schema';
import type { Clock, Embedder, IntentClassifier, IntentSource, Llm, Logger, Reranker, VectorStore } from '../core/ports';
import { QdrantVectorStore } from '../stores/vectors/qdrant';
import { cohereClient, CohereReranker, DEFAULT_RERANK_MODEL } from '../providers/cohere/rerank';
import { LOCAL_EMBEDDING_MODEL, LocalEmbedder } from '../providers/embeddings/local';
import { isAuto, isEmbeddedModel, isMiniLm, MINILM_MODEL } from '../providers/embeddings/models';
import { ConfigError } from '../config/load';
import { ExtractiveAnswerer } from '../providers/llm/extractive';
import { isOpenAi, openAiClient } from '../providers/openai/client';
import { OPENAI_EMBEDDING_DIMENSIONS, OpenAiEmbedder } from '../providers/openai/embeddings';
import { OpenAiLlm } from '../providers/openai/llm';
import { LocalReranker } from '../providers/rerank/local';
import { FallbackIntents, FallbackLlm, FallbackReranker } from '../providers/resilience/fallback';
import { HfIntentClassifier } from '../providers/huggingface/intents';
import { parseIntentLabels } from '../providers/huggingface/labels';
import { builtInIntents } from '../pipeline/intent/built-in';
import type { Metrics } from '../core/metrics';
import { ResiliencePolicy, type PolicyDeps, type PolicySettings } from '../core/resilience/policy';
import type { IdleTimeouts } from '../core/resilience/timeout';

export type ProviderJob = 'llm' | 'embeddings' | 'rerank' | 'vectors' | 'intents';

/**
 * An embedded embedding model the runtime can run in-process (Node: all-MiniLM-L6-v2 over
 * onnxruntime). The runtime hands these in, so this file never imports Node-only code: the
 * Worker offers none and gets the hashed vectors.
 */
export interface LocalModel {
  readonly model: string;
  /** Why it cannot run in this process (its files are not installed), or null when it can. */
  unavailable(): string | null;
  create(): Embedder & { ready?(): Promise<void> };
}

export interface SelectOptions {
  log: Logger;
  /** The embedded models this runtime can run; none on Workers. */
  localModels?: LocalModel[];
  /** The fetch the SDKs use (a test's, or a runtime's own). */
  fetch?: typeof fetch;
  clock?: Clock;
  random?: () => number;
  sleep?: PolicyDeps['sleep'];
  /** Overrides of each policy (tests shorten timeouts and cool-downs). */
  policies?: Partial<Record<ProviderJob, Partial<PolicySettings>>>;
  /** Longest waits for an LLM stream's first chunk and between chunks. */
  llmIdle?: IdleTimeouts;
  /** Provider calls, retries, breakers and fallbacks are counted here. */
  metrics?: Metrics;
}

export interface SelectedProviders {
  llm: Llm;
  /** The embedded answerer, when `llm` is another (it is also `llm`'s fallback). */
  localLlm?: Llm;
  embedder: Embedder;
  reranker: Reranker;
  /** Which implementation serves each job, for the start-up log. */
  describe: Record<ProviderJob, string>;
  /** What must be learned before the index is prepared (an unknown embedding model's dimensions, a local model's weights). */
  ready(): Promise<void>;
  /** The embedding choice: whether EMBEDDING_MODEL named it or the runtime's default picked it. */
  embedding: EmbeddingChoice;
}

/** Interactive calls fail fast so the fallback answers; an ingest's document embeddings may wait. */
const POLICIES: Record<ProviderJob, Partial<PolicySettings>> = {
  // Time to the response headers (a streamed answer's words have their own budget, see OpenAiLlm).
  llm: { timeoutMs: 10_000, retries: 1, maxRetryAfterMs: 3_000 },
  embeddings: { timeoutMs: 4_000, retries: 1, maxRetryAfterMs: 2_000 },
  rerank: { timeoutMs: 3_000, retries: 1, maxRetryAfterMs: 1_000 },
  vectors: { timeoutMs: 10_000, retries: 2, maxRetryAfterMs: 3_000 },
  // Every question waits on its intent, and the embedded classifier answers in microseconds.
  intents: { timeoutMs: 1_500, retries: 1, maxDelayMs: 500, maxRetryAfterMs: 500 },
};
const DOCUMENT_EMBEDDING = { timeoutMs: 60_000, retries: 5, maxDelayMs: 20_000, maxRetryAfterMs: 60_000 };

export function selectProviders(config: Config, o: SelectOptions): SelectedProviders {
  const policy = (name: string, job: keyof typeof POLICIES) =>
    new ResiliencePolicy(name, { ...POLICIES[job], ...o.policies?.[job] }, { clock: o.clock ?? { now: () => Date.now() }, log: o.log, random: o.random, sleep: o.sleep, metrics: o.metrics });
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
        o.metrics,
      )
    : extractive;

  const embedding = chooseEmbedding(config, o.localModels ?? []);
  if (embedding.note) o.log.info(`embeddings: ${embedding.note}`);
  let embedder: Embedder & { ready?(): Promise<void> } = embedding.local ? embedding.local.create() : new LocalEmbedder();
  if (embedding.kind === 'openai') {
    if (!openai) throw new Error(`EMBEDDING_MODEL=${config.EMBEDDING_MODEL} needs OPENAI_API_KEY or OPENAI_BASE_URL`);
    embedder = new OpenAiEmbedder({
      client: openai,
      model: config.EMBEDDING_MODEL,
      policy: policy('openai-embeddings', 'embeddings'),
      encoding: official ? 'base64' : 'float',
      tuning: { document: DOCUMENT_EMBEDDING },
    });
  }

  // It blends the vector search's cosines as this embedder's were measured to mean.
  const local = new LocalReranker({ embeddingModel: embedder.model });
  const reranker: Reranker = config.COHERE_API_KEY
    ? new FallbackReranker(
        new CohereReranker(cohereClient({ token: config.COHERE_API_KEY, baseUrl: config.COHERE_BASE_URL, fetch: o.fetch }), policy('cohere', 'rerank')),
        local,
        o.log,
        o.metrics,
      )
    : local;

  return {
    llm,
    ...(llm !== extractive ? { localLlm: extractive } : {}),
    embedder,
    reranker,
    describe: describeProviderChoices(config, o.localModels ?? []),
    embedding,
    ready: async () => {
      if (embedder instanceof OpenAiEmbedder) await embedder.init();
      else await embedder.ready?.();
    },
  };
}

/**
 * Intents: a Hugging Face model when INTENT_MODEL is set, with the embedded classifier behind
 * it (timeout, error, open breaker), else the embedded classifier alone. Apart from
 * `selectProviders` because only the servers classify (the ingest CLI does not).
 */
export function selectIntents(config: Config, o: SelectOptions, local: IntentClassifier = builtInIntents()): IntentSource {
  if (!config.INTENT_MODEL) return local;
  const policy = new ResiliencePolicy(
    'huggingface',
    { ...POLICIES.intents, ...o.policies?.intents },
    { clock: o.clock ?? { now: () => Date.now() }, log: o.log, random: o.random, sleep: o.sleep, metrics: o.metrics },
  );
  const hf = new HfIntentClassifier({
    model: config.INTENT_MODEL,
    task: config.INTENT_TASK,
    token: config.HF_TOKEN,
    endpointUrl: config.HF_ENDPOINT_URL,
    labels: parseIntentLabels(config.INTENT_LABELS).labels,
    threshold: config.INTENT_THRESHOLD,
    policy,
    fetch: o.fetch,
  });
  return new FallbackIntents(hf, local, o.log, o.metrics);
}

/** Qdrant when QDRANT_URL is set, else what the runtime has (pgvector beside its database). */
export function selectVectorStore(
  config: Config,
  fallback: () => VectorStore,
  o: { log?: Logger; clock?: Clock; policy?: Partial<PolicySettings>; metrics?: Metrics } = {},
): VectorStore {
  if (!config.QDRANT_URL) return fallback();
  const log = o.log ?? { debug() {}, info() {}, warn() {}, error() {} };
  return new QdrantVectorStore({
    url: config.QDRANT_URL,
    apiKey: config.QDRANT_API_KEY,
    policy: new ResiliencePolicy('qdrant', { ...POLICIES.vectors, ...o.policy }, { clock: o.clock ?? { now: () => Date.now() }, log, metrics: o.metrics }),
  });
}

/** What `selectProviders` picks, in words, without building anything. */
export function describeProviderChoices(config: Config, localModels: LocalModel[] = []): Record<ProviderJob, string> {
  const where = config.OPENAI_BASE_URL && !isOpenAi(config.OPENAI_BASE_URL) ? ` at ${config.OPENAI_BASE_URL} (OpenAI-compatible)` : '';
  const configured = config.OPENAI_API_KEY ? 'OPENAI_API_KEY is configured' : 'OPENAI_BASE_URL is configured';
  const dims = OPENAI_EMBEDDING_DIMENSIONS[config.EMBEDDING_MODEL];
  return {
    llm: usesOpenAi(config)
      ? `OpenAI ${config.LLM_MODEL}${where} (${configured}; falls back to the local extractive answerer)`
      : 'local extractive answerer',
    embeddings: describeEmbedding(config, localModels, where, dims),
    rerank: config.COHERE_API_KEY
      ? `Cohere ${DEFAULT_RERANK_MODEL}${config.COHERE_BASE_URL ? ` at ${config.COHERE_BASE_URL}` : ''} (falls back to the local reranker)`
      : 'local reranker',
    vectors: config.QDRANT_URL
      ? `Qdrant at ${config.QDRANT_URL}`
      : config.POSTGRES_URL
        ? `pgvector in PostgreSQL at ${new URL(config.POSTGRES_URL).host}`
        : 'pgvector in PGlite',
    intents: config.INTENT_MODEL
      ? `Hugging Face ${config.INTENT_MODEL}, ${config.INTENT_TASK} ${config.HF_ENDPOINT_URL ? `at ${new URL(config.HF_ENDPOINT_URL).host}` : 'on the Inference API'} (falls back to the local classifier)`
      : 'local classifier',
  };
}

function usesOpenAi(config: Config): boolean {
  return Boolean(config.OPENAI_API_KEY || config.OPENAI_BASE_URL);
}

export interface EmbeddingChoice {
  kind: 'hashed' | 'local-model' | 'openai';
  /** The model the vectors come from (an OpenAI model's name as configured). */
  model: string;
  /** False when EMBEDDING_MODEL was left unset (`auto`): an index built by another model may then be followed or rebuilt. */
  explicit: boolean;
  local?: LocalModel;
  /** Why `auto` fell back to the hashed vectors, for one log line. */
  note?: string;
}

/**
 * EMBEDDING_MODEL → the embedder. `auto` takes the runtime's first embedded model whose files
 * are installed (all-MiniLM-L6-v2 on Node), else local-hash-384; naming a model this runtime
 * cannot run is a configuration error rather than a silent downgrade.
 */
export function chooseEmbedding(config: Config, localModels: LocalModel[]): EmbeddingChoice {
  const name = config.EMBEDDING_MODEL;
  if (isAuto(name)) {
    const reasons: string[] = [];
    for (const m of localModels) {
      const why = m.unavailable();
      if (why === null) return { kind: 'local-model', model: m.model, explicit: false, local: m };
      reasons.push(`${m.model} is unavailable: ${why}`);
    }
    const note = reasons.length ? `${LOCAL_EMBEDDING_MODEL}, because ${reasons.join('; ')}` : undefined;
    return { kind: 'hashed', model: LOCAL_EMBEDDING_MODEL, explicit: false, note };
  }
  if (!isEmbeddedModel(name)) return { kind: 'openai', model: name, explicit: true };
  const offered = localModels.find((m) => m.model.toLowerCase() === name.toLowerCase());
  if (offered) {
    const why = offered.unavailable();
    if (why !== null) throw new ConfigError([`EMBEDDING_MODEL=${name} cannot run: ${why} (or set EMBEDDING_MODEL=${LOCAL_EMBEDDING_MODEL})`]);
    return { kind: 'local-model', model: offered.model, explicit: true, local: offered };
  }
  if (isMiniLm(name)) {
    throw new ConfigError([
      `EMBEDDING_MODEL=${name} runs only on the Node server (onnxruntime does not run on this runtime, e.g. Cloudflare Workers): ` +
        `leave it unset or use ${LOCAL_EMBEDDING_MODEL} here, or an OpenAI embedding model`,
    ]);
  }
  // local-hash-384 and any other local-… name: the hashed vectors, as before.
  return { kind: 'hashed', model: LOCAL_EMBEDDING_MODEL, explicit: true };
}

function describeEmbedding(config: Config, localModels: LocalModel[], where: string, dims: number | undefined): string {
  let choice: EmbeddingChoice;
  try {
    choice = chooseEmbedding(config, localModels);
  } catch (err) {
    return `not available (${err instanceof ConfigError ? err.problems.join('; ') : String(err)})`;
  }
  const how = choice.explicit ? 'EMBEDDING_MODEL' : 'the default here';
  switch (choice.kind) {
    case 'local-model':
      return `local ${choice.model}, in-process (${how})`;
    case 'hashed':
      return `local ${choice.model}, hashed features (${how}${choice.note ? `; ${MINILM_MODEL} needs its model files` : ''})`;
    case 'openai':
      return `OpenAI ${config.EMBEDDING_MODEL}${where} (${dims ? `${dims} dimensions` : 'dimensions from its first answer'}; the vector side is skipped if it fails)`;
  }
}

