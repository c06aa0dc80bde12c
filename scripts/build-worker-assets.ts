/**
 * Gathers what the Worker serves as static assets into `.assets/` (wrangler.toml `[assets]`):
 * the demo shop at `/` and the widget bundle (`dist/`, from `npm run build:sdk`) at `/sdk/`.
 * The demo's knowledge base (`demo/data`: FAQ, orders with emails) is data to ingest, never
 * served. `tsx scripts/build-worker-assets.ts` runs it alone.
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ASSETS_DIR = join(ROOT, '.assets');

export function buildWorkerAssets(opts: { requireSdk?: boolean } = {}): string {
  const demo = join(ROOT, 'demo');
  const sdk = join(ROOT, 'dist');
  if (!existsSync(join(sdk, 'support-chat.iife.js'))) {
    const msg = 'dist/support-chat.iife.js is missing: run `npm run build:sdk` first';
    if (opts.requireSdk) throw new Error(msg);
    console.warn(`warning: ${msg}; the demo will have no widget`);
  }
  rmSync(ASSETS_DIR, { recursive: true, force: true });
  mkdirSync(ASSETS_DIR, { recursive: true });
  cpSync(demo, ASSETS_DIR, {
    recursive: true,
    filter: (src) => {
      const rel = relative(demo, src);
      return rel !== 'data' && !rel.startsWith(`data${sep}`);
    },
  });
  if (existsSync(sdk)) {
    cpSync(sdk, join(ASSETS_DIR, 'sdk'), { recursive: true });
    // Static assets cannot tell a classic script from a module (Node does, by Sec-Fetch-Mode):
    // the one-line embed `<script src="/sdk/support-chat.js">` gets the script-tag build here,
    // and module scripts the ES module under its own name.
    const iife = join(sdk, 'support-chat.iife.js');
    if (existsSync(iife)) {
      cpSync(join(sdk, 'support-chat.js'), join(ASSETS_DIR, 'sdk', 'support-chat.esm.js'));
      cpSync(iife, join(ASSETS_DIR, 'sdk', 'support-chat.js'));
    }
  }
  // Generated: keep it out of git without touching the project's .gitignore, and off the CDN.
  writeFileSync(join(ASSETS_DIR, '.gitignore'), '*\n');
  writeFileSync(join(ASSETS_DIR, '.assetsignore'), '.gitignore\n');
  return ASSETS_DIR;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = buildWorkerAssets({ requireSdk: process.argv.includes('--require-sdk') });
  console.log(`worker assets: the demo and the SDK bundle in ${relative(process.cwd(), dir) || dir}`);
}
