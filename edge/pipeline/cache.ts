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

export function answerCacheKey(k: { siteId: string; generation: string; model: string; intent: IntentName; language: string; normalized: string }): string {
  return `answer:${CACHE_VERSION}:${k.siteId}:${k.generation}:${k.model}:${k.intent}:${k.language}:${k.normalized}`;
}

/** Long enough to outlive any answer cached under it. */
const GENERATION_TTL_S = 30 * 24 * 3600;
const generationKey = (siteId: string) => `answer-gen:${siteId}`;

/** Which of the site's knowledge the cached answers were made from: part of every key. */
export async function answerGeneration(deps: Pick<Deps, 'settings' | 'sessions'>, siteId: string): Promise<string> {
  if (deps.settings.cacheTtlSeconds <= 0) return '0';
  return (await deps.sessions.cacheGet<string>(generationKey(siteId))) ?? '0';
}

/**
 * The site's content changed (an upload, a deletion, a re-embed): answers cached before are
 * never read again, on any process sharing the session store, and expire on their own.
 */
export async function forgetAnswers(deps: Pick<Deps, 'sessions' | 'log' | 'newId'>, siteId: string): Promise<void> {
  await deps.sessions.cacheSet(generationKey(siteId), deps.newId('g'), GENERATION_TTL_S).catch((err) => {
    deps.log.warn('cached answers not forgotten: they expire with RAG_CACHE_TTL', { site: siteId, error: String(err) });
  });
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
