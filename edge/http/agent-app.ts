/**
 * The agent inbox's page, `GET /agent`: an empty document that loads the inbox bundle
 * (`/agent/inbox.js`, built from sdk/inbox by `npm run build:sdk`) and lets `<support-inbox>`
 * do the rest. Nothing inline, so the pages' CSP (security-headers.ts: `script-src 'self'`,
 * `style-src 'self'`) holds as it is. The same route on both runtimes; the script itself is a
 * static file (Node: server.ts from dist/; Workers: the assets folder, scripts/build-worker-assets.ts).
 */
import type { Hono } from 'hono';

/** Where the page loads the bundle from, and the file `npm run build:sdk` writes to dist/. */
export const INBOX_SCRIPT = '/agent/inbox.js';
export const INBOX_FILE = 'inbox.js';

export const INBOX_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="robots" content="noindex">
<title>Support inbox</title>
<script type="module" src="${INBOX_SCRIPT}"></script>
</head>
<body>
<support-inbox></support-inbox>
<noscript>The support inbox needs JavaScript.</noscript>
</body>
</html>
`;

export function mountAgentApp(app: Hono): void {
  for (const path of ['/agent', '/agent/']) {
    app.get(path, (c) => c.html(INBOX_PAGE, 200, { 'Cache-Control': 'no-cache' }));
  }
}
