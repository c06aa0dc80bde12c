import type { Config } from '../../config/schema';
import type { Deps } from '../../core/deps';
import { IndexMismatchError, type Logger, type VectorStore } from '../../core/ports';
import { LOCAL_EMBEDDING_MODEL } from '../../providers/embeddings/local';
import { baseDeps, type Wired } from '../../wiring/deps';
import type { MetricsExport } from '../../http/metrics';
import { promMetrics } from './metrics';
import { sealingFor } from '../../wiring/sealing';
import type { SelectOptions } from '../../wiring/providers';
import { RefusingVectorStore } from '../../stores/vectors/refusing';
import { openServerPostgres } from './server-postgres';
import { openObjectStore } from './objects';
import { openSessionStore } from './sessions';
import { openEmbeddedStores } from './stores';
import { followMessage, planIndexUpgrade, reembedAtStart } from './index-upgrade';
import { nodeLocalModels } from './local-models';

export interface NodeDeps {
  deps: Deps;
  /** What `/metrics` renders; unset without METRICS_TOKEN (nothing is counted then). */
  exporter?: MetricsExport;
  close(): Promise<void>;
}

export interface NodeDepsOptions {
  inMemory?: boolean;
  /** Provider tuning (tests shorten timeouts, inject a clock). */
  providers?: Omit<SelectOptions, 'log'>;
}

/** Builds every dependency once, from validated config: cloud providers where configured, embedded ones otherwise. */
export async function buildNodeDeps(config: Config, log: Logger, opts: NodeDepsOptions = {}): Promise<NodeDeps> {
  const clock = { now: () => performance.timeOrigin + performance.now() };
  const sessions = await openSessionStore(config, log, clock);
  const stores = await openStores(config, opts.inMemory === true, log).catch(async (err) => {
    await sessions.close().catch(() => {});
    throw err;
  });
  // This runtime can run all-MiniLM-L6-v2 in-process: the default embedder when its files are installed.
  const { localModels = nodeLocalModels(), ...tuning } = opts.providers ?? {};
  // Counted only where someone may scrape it.
  const prom = config.METRICS_TOKEN ? promMetrics() : null;
  const wire = (c: Config) => baseDeps(c, { log, clock, sessions: sessions.store, localModels, tuning: { ...tuning, ...(prom ? { metrics: prom.metrics } : {}) } });
  let wired: Wired;
  try {
    wired = wire(config);
  } catch (err) {
    // EMBEDDING_MODEL names a model this process cannot run: nothing stays open behind the error.
    await Promise.allSettled([stores.close(), sessions.close()]);
    throw err;
  }
  const choice = wired.providers.embedding;
  let vectors: VectorStore = wired.vectors(() => stores.vectors);
  // The hashed vectors instead of the default model (the reranker's blend follows the embedder).
  const hashed = async () => {
    wired = wire({ ...config, EMBEDDING_MODEL: LOCAL_EMBEDDING_MODEL });
    await vectors.ensure({ model: wired.deps.embedder.model, dimensions: wired.deps.embedder.dimensions });
  };
  try {
    let fellBack = false;
    try {
      await wired.providers.ready();
    } catch (err) {
      // The default model's files are there but would not load (corrupt, or an unsupported
      // platform): keep vectors with the hashed embedder rather than none. Named, it is an error.
      if (choice.explicit || choice.kind !== 'local-model') throw err;
      log.error(`embeddings: falling back to ${LOCAL_EMBEDDING_MODEL}: ${err instanceof Error ? err.message : String(err)}`, { stage: 'embeddings' });
      await hashed();
      fellBack = true;
    }
    if (!fellBack) {
      try {
        await vectors.ensure({ model: wired.deps.embedder.model, dimensions: wired.deps.embedder.dimensions });
      } catch (err) {
        if (!(err instanceof IndexMismatchError)) throw err;
        const plan = planIndexUpgrade({ choice, built: err.built, shared: Boolean(config.POSTGRES_URL || config.QDRANT_URL) });
        if (plan === 'refuse') throw err;
        if (plan === 'follow-hashed') {
          await hashed();
          log.warn(followMessage(err.built, choice.model));
        } else {
          await reembedAtStart({ db: stores.db, vectors: vectors as typeof stores.vectors, embedder: wired.deps.embedder, log }, err.built);
        }
      }
    }
  } catch (err) {
    // Another model built the index, or its server is unreachable: answer from full text alone
    // (retrieval skips the vector side) rather than not at all, and say why.
    log.error(`vector search is off: ${err instanceof Error ? err.message : String(err)}`, { stage: 'vectors' });
    vectors = new RefusingVectorStore(vectors, err instanceof Error ? err : new Error(String(err)));
  }
  const objects = await openObjectStore(config, log, { inMemory: opts.inMemory === true });
  const deps: Deps = { ...wired.deps, db: stores.db, vectors, ...(objects ? { objects } : {}) };
  // Sites' own intent models, read now rather than with each site's first message.
  await stores.db.sites
    .list()
    .then((sites) => deps.siteIntents?.preload(deps.db, sites.map((s) => s.id)))
    .catch((err) => log.warn('intent models not preloaded: each loads with its site\'s first message', { error: String(err) }));
  // Each site's in-memory search indexes, built now in the background rather than by its first
  // question (about 4 s each for full text and vectors at 100,000 chunks). Closing waits for it.
  const warming = warmSites(deps, log);
  // Both are closed whatever the other does: their writes are flushed on the way out.
  return { deps, exporter: prom?.exporter, close: async () => void (await warming, await Promise.allSettled([stores.close(), sessions.close()])) };
}

/**
 * PostgreSQL when POSTGRES_URL is set (migrated at start; it must hold the vectors in its
 * pgvector unless QDRANT_URL sends them to Qdrant), the embedded PGlite otherwise.
 */
export async function openStores(config: Config, inMemory: boolean, log: Logger): Promise<{ db: Deps['db']; vectors: VectorStore; close(): Promise<void> }> {
  const sealing = sealingFor(config);
  if (!config.POSTGRES_URL) return openEmbeddedStores({ dataDir: inMemory ? null : config.DATA_DIR, sealing, log });
  // selectVectorStore picks Qdrant whenever QDRANT_URL is set: only without it is pgvector required.
  return openServerPostgres(config.POSTGRES_URL, { vectors: !config.QDRANT_URL, log, sealing });
}

/** Never rejects: a site that fails to warm loads on its first question instead, as before. */
async function warmSites(deps: Deps, log: Logger): Promise<void> {
  try {
    for (const site of await deps.db.sites.list()) {
      const started = performance.now();
      await Promise.all([deps.db.chunks.warm?.(site.id), deps.vectors.warm?.(site.id)]);
      log.debug('search indexes warm', { site: site.id, ms: Math.round(performance.now() - started) });
    }
  } catch (err) {
    log.warn('search indexes not warmed: each loads with its site\'s first question', { error: err instanceof Error ? err.message : String(err) });
  }
}
