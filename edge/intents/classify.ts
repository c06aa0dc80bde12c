/**
 * A message's intent for its site: the site's own trained model when it has one and an intent
 * clears that model's threshold, else the built-in intents (the embedded classifier, or a remote
 * model in front of it). Built-in intents stay the floor, so "hi" and "a person please" work on
 * a site that trained only "cancel_subscription" and "warranty_claim".
 */
import type { Deps } from '../core/deps';
import type { IntentResult } from '../core/ports';

/** How a site model's answer is attributed (`IntentResult.model`). */
export const siteModelName = (version: string | null) => `site:${version ?? 'unknown'}`;

export async function classifyFor(
  deps: Pick<Deps, 'db' | 'intents' | 'siteIntents'>,
  siteId: string,
  text: string,
  signal?: AbortSignal,
): Promise<IntentResult> {
  const own = deps.siteIntents ? await deps.siteIntents.get(deps.db, siteId) : undefined;
  const hit = own && /[\p{L}\p{N}]/u.test(text) ? own.predict(text) : null;
  if (hit) return { intent: hit.label, score: hit.score, model: siteModelName(deps.siteIntents!.version(siteId)) };
  return deps.intents.classify(text, signal);
}
