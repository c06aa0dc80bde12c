/**
 * The response headers of each kind of path, written once for both runtimes: Node sets them
 * with `securityHeaders`; the Worker's static assets never reach the Worker, so the same
 * values go into the assets' `_headers` file (scripts/build-worker-assets.ts).
 */
import type { MiddlewareHandler } from 'hono';

const COMMON = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

/** The API answers data only: nothing in it may run, load or be framed. */
export const API_HEADERS: Record<string, string> = {
  ...COMMON,
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
};

/**
 * The widget's script, loaded by other sites' pages: readable across origins (an ES module
 * import from another origin is a CORS request), revalidated after five minutes because its
 * name carries no version.
 */
export const SDK_HEADERS: Record<string, string> = {
  ...COMMON,
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Cache-Control': 'public, max-age=300, must-revalidate',
};

/** The demo shop's pages: only their own scripts and styles, never framed by another site. */
export const PAGE_HEADERS: Record<string, string> = {
  ...COMMON,
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
  'Cache-Control': 'no-cache',
};

export function headersFor(path: string): Record<string, string> {
  if (path === '/v1' || path.startsWith('/v1/')) return API_HEADERS;
  if (path.startsWith('/sdk/')) return SDK_HEADERS;
  return PAGE_HEADERS;
}

/** Sets the path's headers where the handler did not set its own. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.status === 101) return;
  for (const [name, value] of Object.entries(headersFor(c.req.path))) {
    if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  }
};

/** Only the widget's built scripts are served from /sdk/: no source maps, no type declarations. */
export const SDK_FILE = /^[\w.-]+\.js$/;

/**
 * The same rules as Cloudflare's `_headers` file for the Worker's static assets. Every rule
 * that matches applies (values of one name are joined), so pages are listed one by one
 * rather than as `/*`, which would also match /sdk/.
 */
export function assetHeadersFile(pages: string[]): string {
  const block = (pattern: string, headers: Record<string, string>) =>
    `${pattern}\n${Object.entries(headers)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n')}\n`;
  return [block('/sdk/*', SDK_HEADERS), ...pages.map((p) => block(p, PAGE_HEADERS))].join('\n');
}
