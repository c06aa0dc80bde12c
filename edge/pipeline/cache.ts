/**
 * The answer cache: the same question, asked the same way on the same site, in the same
 * language and intent, gets the answer already given, until RAG_CACHE_TTL runs out.
 */
import type { IntentName } from '@support-chat/protocol';
import type { Deps } from '../core/deps';
import type { Source } from '../core/ports';

/** Raised when what a cached answer holds changes shape: older entries are then never read. */
const CACHE_VERSION = 'v2';

export interface CachedAnswer {
  intent: IntentName;
  text: string;
  sources: Source[];
  confidence: number;
  handoff: boolean;
}

export function answerCacheKey(k: { siteId: string; model: string; intent: IntentName; language: string; normalized: string }): string {
  return `answer:${CACHE_VERSION}:${k.siteId}:${k.model}:${k.intent}:${k.language}:${k.normalized}`;
}

export async function cachedAnswer(deps: Pick<Deps, 'settings' | 'sessions' | 'metrics'>, key: string): Promise<CachedAnswer | null> {
  if (deps.settings.cacheTtlSeconds <= 0) return null;
  const found = await deps.sessions.cacheGet<CachedAnswer>(key);
  deps.metrics?.inc('support_chat_answer_cache_total', { result: found ? 'hit' : 'miss' });
  return found;
}

/** The answer is complete by now: a cache that cannot take it only costs the next asker time. */
export async function rememberAnswer(deps: Pick<Deps, 'settings' | 'sessions' | 'log'>, key: string, answer: CachedAnswer): Promise<void> {
  await deps.sessions.cacheSet(key, answer, deps.settings.cacheTtlSeconds).catch((err) => {
    deps.log.warn('answer not cached', { error: String(err) });
  });
}
