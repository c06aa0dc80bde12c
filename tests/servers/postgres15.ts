/**
 * Debian's PostgreSQL 15 (a real server, without pgvector) in a temporary data directory on a
 * free loopback port. Postgres refuses to run as root, so as root it runs as `postgres`.
 * Tuned for tests: no fsync, no durability, gone on stop.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, inCi } from '../../scripts/local/free-port';

export const PG15_BIN = '/usr/lib/postgresql/15/bin';
export const PG15_INSTALL = 'sudo apt-get install -y postgresql-15';

export interface RunningPostgres {
  url: string;
  port: number;
  /** Stops the server (fast shutdown: sessions are cut) and keeps its data, for outage tests. */
  down(): Promise<void>;
  /** Starts it again on the same data and port after `down()`. */
  up(): Promise<void>;
  /** Stops it and deletes its data. */
  stop(): Promise<void>;
}

const run = promisify(execFile);

/** Null when PostgreSQL 15 can run here, else why not (with the command that fixes it). */
export function postgres15Missing(): string | null {
  if (!existsSync(join(PG15_BIN, 'initdb')) || !existsSync(join(PG15_BIN, 'pg_ctl'))) {
    return `PostgreSQL 15 is not installed (no ${PG15_BIN}/initdb); install it with: ${PG15_INSTALL}`;
  }
  if (isRoot() && spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0) {
    return 'running as root but there is no "postgres" user to run PostgreSQL as';
  }
  return null;
}

/**
 * `password`: TCP logins then need it (scram-sha-256) and `url` carries it; without one any
 * login is trusted.
 */
export async function startPostgres15(opts: { password?: string } = {}): Promise<RunningPostgres> {
  const missing = postgres15Missing();
  if (missing) throw new Error(inCi() ? `CI=true: ${missing}` : missing);
  const dir = mkdtempSync(join(tmpdir(), 'pg15-'));
  const data = join(dir, 'data');
  if (isRoot()) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const as = (bin: string, args: string[]) =>
    isRoot()
      ? run('su', ['postgres', '-s', '/bin/sh', '-c', [join(PG15_BIN, bin), ...args].map(shellQuote).join(' ')])
      : run(join(PG15_BIN, bin), args);
  const port = await freePort();
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => as('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '20', 'start']);
  try {
    const auth = ['-A', 'trust'];
    if (opts.password !== undefined) {
      const pwfile = join(dir, 'pw');
      writeFileSync(pwfile, opts.password, { mode: 0o644 });
      // pg_ctl -w checks readiness over the local socket: keep that one trusted.
      auth.splice(0, 2, '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`);
    }
    await as('initdb', ['-D', data, ...auth, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL 15 did not start: ${(err as Error).message}`);
  }
  return {
    url: `postgres://postgres${opts.password !== undefined ? ':' + encodeURIComponent(opts.password) : ''}@127.0.0.1:${port}/postgres`,
    port,
    down: async () => {
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '20', 'stop']);
    },
    up: async () => {
      await start();
    },
    stop: async () => {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function shellQuote(s: string): string {
  return /^[\w./=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
