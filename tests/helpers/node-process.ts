/**
 * The Node server (`edge/runtime/node/main.ts`) as a real child process, as production runs
 * it: its own pid, memory, signals and exit code. For tests of several processes, restarts
 * and shutdown, and for the benchmarks that measure a process from outside.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/local/free-port';
import { NO_LIMITS } from './limits';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'edge/runtime/node/main.ts');
const GUARD = join(ROOT, 'tests/helpers/orphan-guard.ts');
/** Kept from the child's output, newest last: enough for any error message, bounded for long runs. */
const OUTPUT_LIMIT = 256 * 1024;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface NodeProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  /** ws://127.0.0.1:PORT/v1/ws?site=… */
  wsUrl(site?: string): string;
  /** Everything the process wrote to stdout and stderr so far (the last 256 KB). */
  output(): string;
  signal(sig: NodeJS.Signals): void;
  /** SIGKILL: a crash, as far as the rest of the system can tell. */
  kill(): void;
  exited: Promise<ProcessExit>;
  /** True until the process has exited. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`; resolves with how it exited. */
  stop(opts?: { timeoutMs?: number }): Promise<ProcessExit>;
}

export interface NodeProcessOptions {
  /** The server's settings; PORT, HOST, DATA_DIR and LOG_LEVEL get test defaults unless given. */
  env?: Record<string, string>;
  /** How long to wait for `/readyz` to answer 200 (the first start seeds the demo data). */
  readyTimeoutMs?: number;
  /** Node's own flags (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

const running = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
// The orphan guard covers a test process that dies; this covers one that simply ends.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts the server and resolves once `/readyz` says 200; rejects with the child's output otherwise. */
export async function startNodeProcess(opts: NodeProcessOptions = {}): Promise<NodeProcess> {
  // A free port can be taken between the probe and the server's listen: try again on a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test((err as Error).message) || opts.env?.PORT) throw err;
    }
  }
}

async function startOnce(opts: NodeProcessOptions): Promise<NodeProcess> {
  const given = opts.env ?? {};
  const port = given.PORT ? Number(given.PORT) : await freePort();
  const ownDir = given.DATA_DIR ? null : mkdtempSync(join(tmpdir(), 'node-process-'));
  if (ownDir) ownedDirs.add(ownDir);
  const dataDir = given.DATA_DIR ?? ownDir!;
  const env = {
    ...baseEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // Process tests (signals, clusters, restarts) need no sentence model: each child would load it.
    EMBEDDING_MODEL: 'local-hash-384',
    ...given,
  };

  // `node --import tsx` rather than the tsx CLI: the CLI runs the script in a second process,
  // and the pid, the signals and the memory measured must be the server's own.
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', '--import', GUARD, MAIN], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exit: ProcessExit | null = null;
  const exited = new Promise<ProcessExit>((resolve) => {
    // 'close' rather than 'exit': the last lines of output have been read by then.
    child.once('close', (code, signal) => {
      exit = { code, signal };
      running.delete(child);
      resolve(exit);
    });
  });
  // A spawn failure (no such binary) emits 'error' and may never emit 'exit'.
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const cleanUp = () => {
    if (ownDir) {
      rmSync(ownDir, { recursive: true, force: true });
      ownedDirs.delete(ownDir);
    }
  };

  const url = `http://127.0.0.1:${port}`;
  const stop = async ({ timeoutMs = 30_000 } = {}): Promise<ProcessExit> => {
    if (!exit) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    cleanUp();
    return exit!;
  };

  const timeoutMs = opts.readyTimeoutMs ?? 120_000;
  const failed = (why: string) => new Error(`Node server on port ${port} ${why}; its output:\n${output.trim() || '(nothing)'}`);
  try {
    await Promise.race([
      waitReady(url, timeoutMs, () => exit),
      exited.then((e) => Promise.reject(failed(`exited before it was ready (code ${e.code}, signal ${e.signal})`))),
      spawnError.then((e) => Promise.reject(failed(`could not be spawned: ${e.message}`))),
    ]);
  } catch (err) {
    if (!exit) child.kill('SIGKILL');
    await Promise.race([exited, spawnError]);
    cleanUp();
    throw err instanceof Error && err.message.startsWith('Node server') ? err : failed(String((err as Error).message ?? err));
  }

  return {
    url,
    port,
    pid: child.pid!,
    dataDir,
    wsUrl: (site = 'demo') => `ws://127.0.0.1:${port}/v1/ws?site=${encodeURIComponent(site)}`,
    output: () => output,
    signal: (sig) => {
      if (!exit) child.kill(sig);
    },
    kill: () => {
      if (!exit) child.kill('SIGKILL');
    },
    exited,
    alive: () => exit === null,
    stop,
  };
}

async function waitReady(url: string, timeoutMs: number, exited: () => ProcessExit | null): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (!exited()) {
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String((err as Error).cause ?? err);
    }
    if (Date.now() > until) throw new Error(`was not ready within ${timeoutMs} ms (last /readyz: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('exited before it was ready');
}

/**
 * What the child inherits: enough to run Node, nothing that configures the server. A test's
 * settings are exactly what it passes, so a developer's own keys (in the environment or in
 * the .env that main.ts loads) never turn a test into calls to a cloud service.
 */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'CI']) {
    if (process.env[key] !== undefined) env[key] = process.env[key]!;
  }
  // main.ts fills unset variables from .env; an empty value counts as set and means "default".
  const dotenv = join(ROOT, '.env');
  if (existsSync(dotenv)) {
    for (const m of readFileSync(dotenv, 'utf8').matchAll(/^\s*(?:export\s+)?([A-Za-z_][\w.]*)\s*=/gm)) env[m[1]] = '';
  }
  return env;
}

/**
 * Runs the server entry once, for a start that is expected to fail: its exit code and all it
 * printed. `env` is laid over a temporary DATA_DIR, PORT=0 and no database or Redis settings.
 */
export async function runMainOnce(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'main-once-'));
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
        cwd: ROOT,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'db'), POSTGRES_URL: '', REDIS_URL: '', QDRANT_URL: '', EMBEDDING_MODEL: 'local-hash-384', ...NO_LIMITS, ...env },
      });
      let out = '';
      child.stdout?.on('data', (d) => (out += d));
      child.stderr?.on('data', (d) => (out += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
