/**
 * `npm start` or `npm run serve` stopped by a signal to npm: npm's shell dies without passing it
 * on, and the server used to run on as an orphan holding the port and the embedded database.
 * The server now notices its parent is gone and stops as on SIGTERM. Real npm, real server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/local/free-port';
import { NO_LIMITS } from '../helpers/limits';

const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Processes whose environment names this test's data directory: the server and whatever wraps it. */
function serversOf(dataDir: string): number[] {
  const mine: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`DATA_DIR=${dataDir}`)) mine.push(Number(pid));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return mine;
}

const ready = async (port: number) => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
async function until(fn: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('npm start and npm run serve, stopped with a signal to npm', () => {
  // Ctrl-C in a terminal reaches npm as SIGINT; an orchestrator or systemd sends SIGTERM.
  it.each([
    ['start', 'SIGTERM'],
    ['run serve', 'SIGINT'],
  ] as const)('npm %s, %s: no server is left behind; the port is free and the process gone within seconds', async (script, signal) => {
    const port = await freePort();
    const dataDir = join(dir, `data-${script.replace(' ', '-')}`);
    const npm = spawn('npm', [...script.split(' '), '--silent'], {
      cwd: join(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? dir, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, EMBEDDING_MODEL: 'local-hash-384', LOG_LEVEL: 'warn', ...NO_LIMITS },
      stdio: 'ignore',
    });
    try {
      expect(await until(() => ready(port), 90_000)).toBe(true);
      expect(serversOf(dataDir).length).toBeGreaterThan(0);
      npm.kill(signal);
      expect(await until(async () => !(await ready(port)) && serversOf(dataDir).length === 0, 15_000)).toBe(true);
    } finally {
      npm.kill('SIGKILL');
      for (const pid of serversOf(dataDir)) process.kill(pid, 'SIGKILL');
    }
  }, 150_000);
});
