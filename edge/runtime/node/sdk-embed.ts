import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';

/**
 * `<script src="/sdk/support-chat.js" async>` without `type="module"` cannot run the ES module
 * (it has `export`), yet it is the embed line people copy. Browsers say which kind of script
 * they are fetching (`Sec-Fetch-Mode: no-cors` for a classic script, `cors` for a module), so a
 * classic script gets the script-tag build and a module or bundler gets the ES module.
 */
export function classicScriptEmbed(distRoot: string): MiddlewareHandler {
  const iife = serveStatic({ root: distRoot, rewriteRequestPath: () => '/support-chat.iife.js' });
  return async (c, next) => {
    c.header('Vary', 'Sec-Fetch-Mode');
    const classic = c.req.header('sec-fetch-dest') === 'script' && c.req.header('sec-fetch-mode') === 'no-cors';
    return classic ? iife(c, next) : next();
  };
}
