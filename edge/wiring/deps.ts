/**
 * The one Deps builder both runtimes share. From validated config it builds what is the same
 * everywhere (settings, providers, intents, ids); the runtime hands in only what differs
 * (`Platform`): its logger, clock, session store and in-process models. The database and the
 * vector index are left out because their lifetimes differ: a Node process opens them once,
 * a Worker per request or Durable Object (a Neon connection is a WebSocket, which belongs to
 * whoever opened it). `vectors` still makes the same Qdrant-or-own choice for both.
 */
import type { Config } from '../config/schema';
import { settingsFrom } from '../config/settings';
import type { Deps } from '../core/deps';
import { randomId } from '../core/ids';
import { SiteModels } from '../intents/site-models';
import { loadSiteModel } from '../intents/train-site';
import type { Clock, Logger, SessionStore, VectorStore } from '../core/ports';
import { selectIntents, selectProviders, selectVectorStore, type LocalModel, type SelectedProviders, type SelectOptions } from './providers';

/** What a runtime supplies because it differs there. */
export interface Platform {
  log: Logger;
  clock: Clock;
  sessions: SessionStore;
  /** The embedded models this runtime can run in-process: all-MiniLM-L6-v2 on Node, none on Workers. */
  localModels?: LocalModel[];
  /** Provider tuning (tests shorten timeouts, inject a clock or a fetch). */
  tuning?: Omit<SelectOptions, 'log' | 'localModels'>;
}

/** Deps without the database and the vector index, which the runtime connects. */
export type BaseDeps = Omit<Deps, 'db' | 'vectors'>;

export interface Wired {
  deps: BaseDeps;
  /** The providers behind `deps` (their embedding choice, `ready()`, and words for the log). */
  providers: SelectedProviders;
  /** Qdrant when QDRANT_URL is set, else `own()`: the runtime's pgvector beside its database. */
  vectors(own: () => VectorStore): VectorStore;
}

export function baseDeps(config: Config, platform: Platform): Wired {
  const { log, clock, sessions, localModels, tuning } = platform;
  // Provider calls, retries, breakers and fallbacks are counted where `tuning.metrics` says.
  const providers = selectProviders(config, { clock, localModels, ...tuning, log });
  const intents = selectIntents(config, { clock, ...tuning, log });
  return {
    deps: {
      settings: settingsFrom(config),
      embedder: providers.embedder,
      reranker: providers.reranker,
      llm: providers.llm,
      ...(providers.localLlm ? { localLlm: providers.localLlm } : {}),
      intents,
      // Sites' own models, loaded on a site's first message and checked every few seconds.
      siteIntents: new SiteModels({ clock, log }, loadSiteModel),
      sessions,
      log,
      ...(tuning?.metrics ? { metrics: tuning.metrics } : {}),
      clock,
      newId: randomId,
      // Notifications link into the inbox when the server's public address is known.
      ...(config.PUBLIC_URL ? { webhooks: { publicUrl: config.PUBLIC_URL } } : {}),
    },
    providers,
    vectors: (own) => selectVectorStore(config, own, { log, clock: tuning?.clock ?? clock, policy: tuning?.policies?.vectors, metrics: tuning?.metrics }),
  };
}
