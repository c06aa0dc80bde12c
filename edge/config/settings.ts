import { MAX_MESSAGE_CHARS } from '@support-chat/protocol';
import type { Deps } from '../core/deps';
import type { Config } from './schema';

/** The core's settings from validated config: the same on every runtime. */
export function settingsFrom(config: Config): Deps['settings'] {
  return {
    topK: config.RAG_TOP_K,
    rerankTopN: config.RAG_RERANK_TOP_N,
    maxContextTokens: config.RAG_MAX_CONTEXT_TOKENS,
    cacheTtlSeconds: config.RAG_CACHE_TTL,
    // The pipeline reads the head of a long message; the protocol still accepts MAX_MESSAGE_CHARS.
    maxQuestionChars: Math.min(1000, MAX_MESSAGE_CHARS),
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    ...(config.SITE_DAILY_TOKEN_BUDGET !== undefined || config.SITE_DAILY_BUDGET_USD !== undefined
      ? { budget: { tokensPerDay: config.SITE_DAILY_TOKEN_BUDGET, usdPerDay: config.SITE_DAILY_BUDGET_USD } }
      : {}),
    limits: {
      perAddressPerMinute: config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
      perSitePerMinute: config.RATE_LIMIT_PER_SITE_PER_MINUTE,
      perSitePerSecond: config.RATE_LIMIT_PER_SITE_PER_SECOND,
      newConversationsPerHour: config.NEW_CONVERSATIONS_PER_ADDRESS_PER_HOUR,
      socketsPerAddress: config.SOCKETS_PER_ADDRESS,
      socketIdleSeconds: config.SOCKET_IDLE_SECONDS,
    },
    answerTimeoutMs: 60_000,
    turnLeaseMs: config.TURN_LEASE_MS,
    adminToken: config.ADMIN_TOKEN,
  };
}
