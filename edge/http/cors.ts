import type { Handler, MiddlewareHandler } from 'hono';

/** The widget runs on other sites' pages: origins are checked per site (site-access.ts), not by CORS. */
export const allowAnyOrigin: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Access-Control-Allow-Origin', c.req.header('origin') ?? '*');
  c.header('Vary', 'Origin');
};

/** The answer to a browser's preflight before a cross-origin POST with a JSON body. */
export const preflight: Handler = (c) => {
  c.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  c.header('Access-Control-Allow-Headers', 'Content-Type, Accept');
  c.header('Access-Control-Max-Age', '86400');
  return c.body(null, 204);
};
