/**
 * Debian's redis-server on a free loopback port, without persistence. When it is missing and
 * we run as root (CI containers), it is installed once with apt-get; otherwise the error says
 * which command installs it.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, waitFor } from './free-port';
import { RespConnection } from './resp';

export interface RunningRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stops this server if it still runs and starts an empty one on the same port (an outage and its end). */
  restart(): Promise<RunningRedis>;
  /** SIGSTOP / SIGCONT: connections stay open but nothing is answered (a hung server). */
  freeze(): void;
  thaw(): void;
}

export const REDIS_INSTALL = 'sudo apt-get install -y redis-server';

const hasRedis = () => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
let installing: Promise<void> | null = null;

/** Makes sure redis-server is on the PATH, installing it when we may; throws with the command otherwise. */
export function ensureRedisServer(): Promise<void> {
  if (hasRedis()) return Promise.resolve();
  if (process.getuid?.() !== 0) {
    return Promise.reject(new Error(`redis-server is not installed; install it with: ${REDIS_INSTALL}`));
  }
  // Two test files may ask at once (and across workers): dpkg's lock timeout serialises them.
  const apt = (args: string[]) =>
    promisify(execFile)('apt-get', [...args, '-o', 'DPkg::Lock::Timeout=120'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 16 * 1024 * 1024,
    });
  const install = () => apt(['install', '-y', '-qq', '--no-install-recommends', 'redis-server']);
  // A fresh container may have no package lists yet: refresh them once and retry.
  installing ??= install()
    .catch(() => apt(['update', '-qq']).then(install))
    .then(
      () => {
        if (!hasRedis()) throw new Error('apt-get installed redis-server but it is not on the PATH');
      },
      (err: Error) => {
        installing = null;
        throw new Error(`installing redis-server failed (${err.message.split('\n')[0]}); run: ${REDIS_INSTALL}`);
      },
    );
  return installing;
}

/**
 * Starts redis-server; with `port`, on that port (a test that stops a server and starts a new
 * one where clients expect it, to see them reconnect by themselves).
 */
export async function startRedis(opts: { port?: number } = {}): Promise<RunningRedis> {
  await ensureRedisServer();
  // A free port can be taken between the probe and redis-server's bind: try again on a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (attempt >= 3 || opts.port || !/already in use/i.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(opts: { port?: number }): Promise<RunningRedis> {
  const port = opts.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // redis-server says why it stops (a port in use) on stdout.
  let stderr = '';
  child.stdout.on('data', (d) => (stderr += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const gone = () => (child.exitCode === null ? null : `exited with ${child.exitCode}: ${stderr.trim()}`);
    await waitFor(`redis-server on port ${port}`, async () => {
      const conn = await RespConnection.open(port);
      try {
        // Ours, not another test's server that had the port first (then ours exits, unnoticed
        // by a bare PING, and two tests would share one cache).
        const [info] = await conn.send([['INFO', 'server']]);
        return typeof info === 'string' && new RegExp(`^process_id:${child.pid}\\r?$`, 'm').test(info);
      } finally {
        conn.close();
      }
    }, { gone });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      child.kill('SIGCONT'); // a frozen server only acts on SIGTERM once it runs again
    }
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    restart: async () => {
      await stop();
      return startRedis({ port });
    },
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
  };
}
