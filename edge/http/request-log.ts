/**
 * One log line per HTTP request, with its id: the `X-Request-Id` a proxy sent (when it looks
 * like one) or a new one, echoed in the response so a visitor's report can be found in the logs.
 * The path has its ids scrubbed and no query string; probes and scrapes log at debug, since a
 * load balancer asks every few seconds.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from '../core/ports';
import { scrubPath } from '../ops/errors';

const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

export function requestLog(log: Logger, now: () => number): MiddlewareHandler[] {
  return [
    requestId(),
    async (c, next) => {
      const began = now();
      await next();
      // A WebSocket upgrade is logged by the socket's own lines, not as a 101 here.
      if (c.res.status === 101) return;
      (QUIET.has(c.req.path) ? log.debug : log.info)('request', fields(c, began, now()));
    },
  ];
}

function fields(c: Context, began: number, end: number): Record<string, unknown> {
  return { request: c.get('requestId'), method: c.req.method, path: scrubPath(c.req.path), status: c.res.status, ms: Math.round((end - began) * 10) / 10 };
}
