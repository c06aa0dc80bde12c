/** The project's commands as child processes, for tests that run them as a user would. */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Async on purpose: a server in the test's own process (pglite-socket) must stay free to answer
 * the child. The environment's database settings are cleared so only the arguments count.
 */
export function runCli(cmd: string, args: string[], timeoutMs = 60_000, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, DATA_DIR: '', POSTGRES_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const migrateCli = (...args: string[]) => runCli('node', ['--import', 'tsx', 'edge/runtime/node/migrate-cli.ts', ...args]);
export const ingestCli = (...args: string[]) => runCli('node', ['--import', 'tsx', 'ingest/cli.ts', ...args]);

/** A small knowledge base (the demo FAQ and shipping page) in a temp folder; `remove()` deletes it. */
export function smallKnowledgeBase(): { dir: string; remove(): void } {
  const work = mkdtempSync(join(tmpdir(), 'kb-'));
  cpSync('demo/data/faq.csv', join(work, 'kb', 'faq.csv'));
  cpSync('demo/data/docs/shipping.md', join(work, 'kb', 'shipping.md'));
  return { dir: join(work, 'kb'), remove: () => rmSync(work, { recursive: true, force: true }) };
}
