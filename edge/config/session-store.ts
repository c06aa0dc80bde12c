/**
 * Which session store a configuration selects, and how the start-up log names it. Pure (no
 * client is loaded here), so the start-up description and both runtimes can ask.
 */
import type { Config } from './schema';

export type SessionStoreChoice =
  | { kind: 'redis'; variable: 'REDIS_URL'; url: string; address: string; tls: boolean }
  | { kind: 'upstash'; variable: 'REDIS_URL' | 'UPSTASH_REDIS_REST_URL'; url: string; token: string; address: string }
  | { kind: 'memory' };

/**
 * REDIS_URL first: redis:// or rediss:// is a Redis server, http(s):// is Upstash's REST API
 * (with UPSTASH_REDIS_REST_TOKEN); then UPSTASH_REDIS_REST_URL with its token; else memory.
 */
export function sessionStoreChoice(config: Config): SessionStoreChoice {
  const token = config.UPSTASH_REDIS_REST_TOKEN;
  if (config.REDIS_URL) {
    const url = new URL(config.REDIS_URL);
    if (url.protocol === 'redis:' || url.protocol === 'rediss:') {
      return { kind: 'redis', variable: 'REDIS_URL', url: config.REDIS_URL, address: `${url.hostname}:${url.port || 6379}`, tls: url.protocol === 'rediss:' };
    }
    if (token) return { kind: 'upstash', variable: 'REDIS_URL', url: config.REDIS_URL, token, address: url.host };
  }
  if (config.UPSTASH_REDIS_REST_URL && token) {
    const url = config.UPSTASH_REDIS_REST_URL;
    return { kind: 'upstash', variable: 'UPSTASH_REDIS_REST_URL', url, token, address: new URL(url).host };
  }
  return { kind: 'memory' };
}

/** A short phrase for the start-up log; never a password or token. */
export function describeSessionStore(choice: SessionStoreChoice): string {
  switch (choice.kind) {
    case 'redis':
      return `Redis at ${choice.address}${choice.tls ? ' (TLS)' : ''}`;
    case 'upstash':
      return `Upstash at ${choice.address}`;
    case 'memory':
      return 'in memory (one process only)';
  }
}
