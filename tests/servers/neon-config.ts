/**
 * The Neon driver's settings for talking to local servers through `ws-proxy.ts` instead of
 * Neon's cloud: plain `ws://` to the proxy, no TLS inside, no pipelined startup (those two
 * are Neon-proxy features a plain Postgres does not speak).
 */
import WebSocket from 'ws';
import type { NeonOptions } from '../../edge/stores/db/neon';
import type { WsProxy } from '../../scripts/local/ws-proxy';

/** For `openNeon(url, neonLocalOptions(proxy))` in Node (workerd has its own WebSocket). */
export function neonLocalOptions(proxy: WsProxy | string): NeonOptions {
  return { wsProxy: typeof proxy === 'string' ? proxy : proxy.address, webSocketConstructor: WebSocket };
}

/** The same as raw `neonConfig` fields, for code that sets them on `neonConfig` itself. */
export function neonLocalConfig(proxy: WsProxy | string) {
  const address = typeof proxy === 'string' ? proxy : proxy.address;
  return {
    webSocketConstructor: WebSocket,
    wsProxy: (host: string, port: number | string) => `${address}/v2?address=${host}:${port}`,
    useSecureWebSocket: false,
    pipelineTLS: false,
    pipelineConnect: false as const,
  };
}
