/**
 * Gathers what the Worker serves as static assets into `.assets/` (wrangler.toml `[assets]`):
 * the demo shop's pages (`demo/site`) at `/` and the widget bundle (`sdk/dist/`, from
 * `npm run build:sdk`) at `/sdk/`, and the operators' pages' bundles (`dist/inbox.js`, `dist/admin.js`) at `/agent/inbox.js` and `/admin/admin.js`. The
 * demo's knowledge base (`demo/data`: FAQ, orders with emails) is data to ingest and lives
 * outside the served folder. `tsx scripts/build-worker-assets.ts` runs it alone.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetHeadersFile, SDK_FILE } from '../edge/http/security-headers';
import { APP_PAGES } from '../edge/http/app-pages';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ASSETS_DIR = join(ROOT, '.assets');

/** `into`: another folder than `.assets/` (a test's own, so Workers started side by side never share one). */
export function buildWorkerAssets(opts: { requireSdk?: boolean; into?: string } = {}): string {
  const out = opts.into ?? ASSETS_DIR;
  const demo = join(ROOT, 'demo', 'site');
  const sdk = join(ROOT, 'sdk', 'dist');
  if (!existsSync(join(sdk, 'support-chat.iife.js'))) {
    const msg = 'sdk/dist/support-chat.iife.js is missing: run `npm run build:sdk` first';
    if (opts.requireSdk) throw new Error(msg);
    console.warn(`warning: ${msg}; the demo will have no widget`);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(demo, out, { recursive: true });
  // Each page by every name the assets server answers it under (/, /x, /x.html), and its styles.
  const pages = readdirSync(demo)
    .filter((f) => f.endsWith('.html'))
    .flatMap((f) => (f === 'index.html' ? ['/', '/index.html'] : [`/${f}`, `/${f.replace(/\.html$/, '')}`]));
  writeFileSync(join(out, '_headers'), assetHeadersFile([...pages, '/assets/*', ...APP_PAGES.map((p) => p.script)]));
  if (existsSync(sdk)) {
    // The built scripts only: no source maps or type declarations go out.
    mkdirSync(join(out, 'sdk'));
    for (const f of readdirSync(sdk)) if (SDK_FILE.test(f)) cpSync(join(sdk, f), join(out, 'sdk', f));
    // Static assets cannot tell a classic script from a module (Node does, by Sec-Fetch-Mode):
    // the one-line embed `<script src="/sdk/support-chat.js">` gets the script-tag build here,
    // and module scripts the ES module under its own name.
    const iife = join(sdk, 'support-chat.iife.js');
    if (existsSync(iife)) {
      cpSync(join(sdk, 'support-chat.js'), join(out, 'sdk', 'support-chat.esm.js'));
      cpSync(iife, join(out, 'sdk', 'support-chat.js'));
    }
  }
  for (const page of APP_PAGES) {
    const built = join(ROOT, 'dist', page.file);
    if (!existsSync(built)) continue;
    mkdirSync(join(out, dirname(page.script)), { recursive: true });
    cpSync(built, join(out, page.script));
  }
  // Generated: keep it out of git without touching the project's .gitignore, and off the CDN.
  writeFileSync(join(out, '.gitignore'), '*\n');
  writeFileSync(join(out, '.assetsignore'), '.gitignore\n');
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = buildWorkerAssets({ requireSdk: process.argv.includes('--require-sdk') });
  console.log(`worker assets: the demo and the SDK bundle in ${relative(process.cwd(), dir) || dir}`);
}
