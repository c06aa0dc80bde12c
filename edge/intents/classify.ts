/**
 * A message's intent for its site. A remote model (INTENT_MODEL), when configured, is asked
 * first and offered the site's own intent names; when it is not, or it fails, the site's own
 * trained model answers when an intent clears its threshold, else the built-in intents. The
 * built-in intents stay the floor, so "hi" and "a person please" work on a site that trained
 * only "cancel_subscription" and "warranty_claim".
 */
import type { Deps } from '../core/deps';
import { LOCAL_INTENT_MODEL, type IntentResult } from '../core/ports';
import { recentSite } from '../core/sites/recent';
import type { QueryVector } from '../pipeline/query-vector';
import type { LoadedModel } from './site-models';

/** How a site model's answer is attributed (`IntentResult.model`): its version, and what it read when not n-grams alone. */
export const siteModelName = (version: string | null, features?: string) =>
  `site:${version ?? 'unknown'}${features && features !== 'ngrams' ? `+${features.replace(/^ngrams\+/, '')}` : ''}`;

export async function classifyFor(
  deps: Pick<Deps, 'db' | 'clock' | 'intents' | 'siteIntents'>,
  siteId: string,
  text: string,
  signal?: AbortSignal,
  /** The question's vector, computed on demand: read when the site's model was trained on its embedder. */
  asked?: QueryVector,
): Promise<IntentResult> {
  const [own, site] = await Promise.all([deps.siteIntents?.get(deps.db, siteId), recentSite(deps, siteId)]);
  const names = siteIntentNames(own, Object.keys(site?.settings?.intents ?? {}));
  const built = await deps.intents.classify(text, signal, names.length ? { siteIntents: names } : undefined);
  // A remote model answered: it was offered the site's names, its answer stands.
  if ((built.model ?? LOCAL_INTENT_MODEL) !== LOCAL_INTENT_MODEL || !own || !/[\p{L}\p{N}]/u.test(text)) return built;
  const hit = own.predict(text, await vectorFor(own, asked));
  if (hit) return { intent: hit.label, score: hit.score, model: siteModelName(deps.siteIntents!.version(siteId), hit.features) };
  return built;
}

function siteIntentNames(own: LoadedModel | undefined, configured: string[]): string[] {
  return [...new Set([...(own?.labels ?? []), ...configured])];
}

/** The vector the model's head reads, or null (n-grams alone) when it has none, another embedder's, or embedding failed. */
async function vectorFor(own: LoadedModel, asked?: QueryVector): Promise<Float32Array | null> {
  if (!asked || !own.embedding || own.embedding.model !== asked.model) return null;
  // Retrieval meets the same failure and says so in its own log line.
  return asked.get().then((q) => q.vector, () => null);
}
