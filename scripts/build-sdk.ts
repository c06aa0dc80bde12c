/**
 * Builds the widget, the agent inbox and the admin page (`npm run build:sdk`) only when their sources changed:
 * `npm start` and `npm test` run this, so a restart costs nothing when nobody touched the
 * widget. "Changed" is a content hash (sources, build config, bundled packages' versions), kept
 * beside the output; mtimes would rebuild after every checkout. `--force` always builds.
 *
 * Test files run in parallel workers and call `ensureBuilt()`: a lock directory keeps two of
 * them from writing the bundles at once.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The widget package's build (`@support-chat/widget`). */
export const SDK_DIST = join(ROOT, 'sdk', 'dist');
/** The agent inbox's and the admin page's bundles (served by the server, not published). */
export const APP_DIST = join(ROOT, 'dist');

const OUTPUTS = [
  ...['es', 'de', 'ar'].map((l) => join(SDK_DIST, `support-chat-locale-${l}.js`)),
  ...['handoff', 'warning'].map((f) => join(SDK_DIST, `support-chat-${f}.js`)),
  ...['support-chat.js', 'support-chat-panel.js', 'support-chat.iife.js', 'support-chat.d.ts', 'react.d.ts', 'custom-elements.json'].map((f) => join(SDK_DIST, f)),
  ...['support-chat.js', 'support-chat-panel.js', 'react.js'].map((f) => join(SDK_DIST, 'module', f)),
  join(APP_DIST, 'inbox.js'),
  join(APP_DIST, 'admin.js'),
];
const STAMP = join(SDK_DIST, '.build-hash');
const SOURCES = ['sdk/element', 'sdk/panel', 'sdk/client', 'sdk/inbox', 'sdk/admin', 'sdk/react', 'sdk/tsconfig.json', 'sdk/package.json', 'protocol', 'rollup.config.mjs', 'tsconfig.json'];
/** Bundled into the output, so their versions are part of what was built. */
const BUNDLED = ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', '@lit/react', 'partysocket', 'uplot', 'typescript', 'rollup'];

function files(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules' && e.name !== 'dist')
    .flatMap((e) => files(join(p, e.name)));
}

/** The hash of everything the bundles are built from. */
export function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of SOURCES.flatMap((s) => files(join(ROOT, s))).sort()) h.update(f.slice(ROOT.length)).update('\0').update(readFileSync(f)).update('\0');
  for (const p of BUNDLED) {
    const pkg = join(ROOT, 'node_modules', p, 'package.json');
    h.update(`${p}@${existsSync(pkg) ? JSON.parse(readFileSync(pkg, 'utf8')).version : '-'}\0`);
  }
  return h.digest('hex');
}

export function isFresh(hash = sourceHash()): boolean {
  return OUTPUTS.every((f) => existsSync(f)) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash;
}

/** Runs the build and records what it was built from. */
export function build(): void {
  const hash = sourceHash();
  // NODE_ENV from a test runner must not pick development builds of lit.
  const env = { ...process.env, NODE_ENV: 'production' };
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  execFileSync(bin('rollup'), ['-c', '--silent'], { cwd: ROOT, stdio: 'inherit', env });
  // The Custom Elements Manifest: IDEs, framework wrappers and the package's API check read it.
  execFileSync(bin('cem'), ['analyze', '--globs', 'sdk/element/support-chat.ts', '--outdir', 'sdk/dist', '--quiet'], { cwd: ROOT, stdio: 'inherit', env });
  writeFileSync(STAMP, `${hash}\n`);
}

/** Builds unless the output matches the sources; safe to call from parallel test workers. */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `support-chat-build-${Buffer.from(ROOT).toString('base64url').slice(-24)}.lock`);
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; ) {
    if (isFresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      // Another worker builds; a lock older than two minutes is left over from a crash.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (!isFresh()) build();
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error('timed out waiting for the widget build');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  if (process.argv.includes('--force')) build();
  else if (isFresh()) {
    console.log('widget: up to date (sdk/dist matches its sources)');
    process.exit(0);
  } else await ensureBuilt();
  console.log(`widget: built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
