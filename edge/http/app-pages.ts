/**
 * The operators' pages: the agent inbox (`/agent`) and the admin page (`/admin`). Each is an
 * empty document that loads its bundle (built from sdk/inbox and sdk/admin into dist/ by
 * `npm run build:sdk`) and lets its element do the rest. Nothing inline, so the pages' CSP
 * (security-headers.ts: `script-src 'self'`, `style-src 'self'`) holds as it is. The same
 * routes on both runtimes; the scripts are static files (Node: server.ts from dist/; Workers:
 * the assets folder, scripts/build-worker-assets.ts).
 */
import type { Hono } from 'hono';

export interface AppPage {
  path: string;
  title: string;
  /** The element the bundle defines. */
  tag: string;
  /** Where the page loads its bundle from. */
  script: string;
  /** The bundle's name in dist/. */
  file: string;
}

export const APP_PAGES: readonly AppPage[] = [
  { path: '/agent', title: 'Support inbox', tag: 'support-inbox', script: '/agent/inbox.js', file: 'inbox.js' },
  { path: '/admin', title: 'Support insights', tag: 'support-admin', script: '/admin/admin.js', file: 'admin.js' },
];

export function appPageHtml(p: AppPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="robots" content="noindex">
<title>${p.title}</title>
<script type="module" src="${p.script}"></script>
</head>
<body>
<${p.tag}></${p.tag}>
<noscript>The ${p.title.toLowerCase()} page needs JavaScript.</noscript>
</body>
</html>
`;
}

export function mountAppPages(app: Hono): void {
  for (const page of APP_PAGES) {
    const body = appPageHtml(page);
    for (const path of [page.path, `${page.path}/`]) app.get(path, (c) => c.html(body, 200, { 'Cache-Control': 'no-cache' }));
  }
}
