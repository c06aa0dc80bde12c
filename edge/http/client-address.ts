import type { Context } from 'hono';

/** How a runtime tells who is calling: Node from the socket (and trusted proxies), Workers from CF-Connecting-IP. */
export type AddressOf = (c: Context) => string | undefined;

/**
 * The client behind `hops` trusted proxies, each of which appended the address it saw to
 * X-Forwarded-For: the entry `hops` from the right. Entries further left are the client's
 * own say and prove nothing. With no trusted proxy, the socket's peer is the client.
 */
export function clientBehindProxies(peer: string | undefined, forwardedFor: string | undefined, hops: number): string | undefined {
  if (hops <= 0) return peer;
  const chain = (forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return chain[chain.length - hops] ?? chain[0] ?? peer;
}
