import type { Config } from '../../config/schema';
import type { Deps } from '../../core/deps';
import { randomId } from '../../core/ids';
import type { Logger } from '../../core/ports';
import { trainIntentClassifier } from '../../pipeline/intent/train';
import { LocalEmbedder } from '../../providers/embeddings/local';
import { ExtractiveAnswerer } from '../../providers/llm/extractive';
import { LocalReranker } from '../../providers/rerank/local';
import { MemorySessionStore } from '../../stores/memory/session-store';
import { openEmbeddedStores } from './stores';
import { MAX_MESSAGE_CHARS } from '../../../sdk/protocol';

export interface NodeDeps {
  deps: Deps;
  close(): Promise<void>;
}

/** Builds every dependency once, from validated config. Cloud providers arrive in later issues. */
export async function buildNodeDeps(config: Config, log: Logger, opts: { inMemory?: boolean } = {}): Promise<NodeDeps> {
  const clock = { now: () => performance.timeOrigin + performance.now() };
  const stores = await openEmbeddedStores({ dataDir: opts.inMemory ? null : config.DATA_DIR });
  const embedder = new LocalEmbedder();
  await stores.vectors.ensure({ model: embedder.model, dimensions: embedder.dimensions });
  const deps: Deps = {
    settings: {
      topK: config.RAG_TOP_K,
      rerankTopN: config.RAG_RERANK_TOP_N,
      maxContextTokens: config.RAG_MAX_CONTEXT_TOKENS,
      cacheTtlSeconds: config.RAG_CACHE_TTL,
      maxQuestionChars: Math.min(1000, MAX_MESSAGE_CHARS),
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      answerTimeoutMs: 60_000,
    },
    db: stores.db,
    vectors: stores.vectors,
    embedder,
    reranker: new LocalReranker(),
    llm: new ExtractiveAnswerer(),
    intents: trainIntentClassifier(),
    sessions: new MemorySessionStore({ clock }),
    log,
    clock,
    newId: randomId,
  };
  return { deps, close: () => stores.close() };
}
