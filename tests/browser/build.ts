import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist');
const OUTPUTS = ['support-chat.js', 'support-chat-panel.js', 'support-chat.iife.js', 'support-chat.d.ts', 'custom-elements.json'];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function fresh(): boolean {
  if (!OUTPUTS.every((f) => existsSync(join(DIST, f)))) return false;
  const built = Math.min(...OUTPUTS.map((f) => statSync(join(DIST, f)).mtimeMs));
  const sources = Math.max(newest(join(ROOT, 'sdk')), statSync(join(ROOT, 'rollup.config.mjs')).mtimeMs);
  return built >= sources;
}

/**
 * Builds the widget unless dist/ is newer than every source (`npm test` builds first, so
 * this only works when a test file runs on its own). Test files run in parallel workers:
 * a lock directory keeps two of them from writing dist/ at once.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `support-chat-build-${Buffer.from(ROOT).toString('base64url').slice(-24)}.lock`);
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      // Another worker builds; a lock older than a minute is left over from a crash.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      // What `npm run build:sdk` runs; NODE_ENV from the test runner must not pick development builds.
      const env = { ...process.env, NODE_ENV: 'production' };
      if (!fresh()) execFileSync('npm', ['run', '--silent', 'build:sdk'], { cwd: ROOT, stdio: 'pipe', env });
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error('timed out waiting for the widget build');
}
