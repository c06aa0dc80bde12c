/**
 * The Worker on this machine, with nothing from Cloudflare's cloud: `wrangler dev` (workerd)
 * in front of a real Postgres wire server (PGlite + pgvector, in this process, behind
 * pg-gate.ts) that the Neon driver reaches through a WebSocket-to-TCP proxy, as it reaches Neon. Optionally Upstash's
 * REST protocol over a real redis-server. Used by `npm run dev:worker`, the workerd tests and
 * the bench.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { drizzle } from 'drizzle-orm/pglite';
import type { Logger } from '../edge/core/ports';
import { silentLogger } from '../edge/ops/logger';
import { LocalEmbedder } from '../edge/providers/embeddings/local';
import { createDb } from '../edge/stores/db/create-db';
import { PgVectorStore } from '../edge/stores/vectors/pgvector';
import { ingest } from '../edge/ingest/run';
import { freePort, waitFor } from './local/free-port';
import { startPgliteServer, type PgliteServer } from './local/pglite-server';
import { startRedis, type RunningRedis } from './local/redis';
import { startUpstashBridge, type UpstashBridge } from './local/upstash-bridge';
import { startWsProxy, type WsProxy } from './local/ws-proxy';
import { buildWorkerAssets, ROOT } from './build-worker-assets';
import { startPgGate } from './pg-gate';

export const DEMO_SITE = 'demo';

export interface WranglerDev {
  url: string;
  port: number;
  /** Everything wrangler and the Worker printed, line by line. */
  lines: string[];
  stop(): Promise<void>;
}

export interface WranglerOptions {
  port?: number;
  vars: Record<string, string>;
  persistTo: string;
  /** A config from `freezeWorker`: serve that bundle instead of watching the sources. */
  frozenConfig?: string;
  /** `--test-scheduled`: GET /__scheduled?cron=… runs the cron handler (only where wrangler bundles, not a frozen config). */
  testScheduled?: boolean;
  echo?: boolean;
}

const WRANGLER = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const OFFLINE = { CLOUDFLARE_API_TOKEN: '', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' };
/** Wrangler's complaints about having no network (it asks Cloudflare for `Request.cf`): harmless. */
const OFFLINE_NOISE = /Request\.cf|ENOTFOUND|GetAddrInfoReqWrap|^\s+at /;

/**
 * The Worker bundled as `wrangler deploy` would upload it (`--dry-run`), with its config and
 * assets, in `dir`; returns the config's path. `wrangler dev` on the sources watches the tree
 * and restarts (closing every socket) when any file changes: right while developing, wrong
 * for tests and benchmarks, which serve this frozen copy instead.
 */
export async function freezeWorker(dir: string, opts: { assets?: boolean } = {}): Promise<string> {
  const run = promisify(execFile);
  const config = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  // Bundled from a copy of the config in `dir`, so wrangler's scratch files (.wrangler/) land there.
  const source = config
    .replace(/^main = .*$/m, `main = ${JSON.stringify(join(ROOT, 'edge/worker.ts'))}`)
    .replace(/^directory = .*$/m, `directory = ${JSON.stringify(join(dir, 'assets'))}`);
  writeFileSync(join(dir, 'source.toml'), source);
  // Its own copy of the assets: test files start Workers side by side, and one rebuilding the
  // shared .assets/ while another reads it fails (ENOTEMPTY).
  buildWorkerAssets({ into: join(dir, 'assets') });
  const args = [WRANGLER, 'deploy', '--dry-run', '--config', join(dir, 'source.toml'), '--outdir', join(dir, 'bundle')];
  await run(process.execPath, args, { cwd: dir, env: { ...process.env, ...OFFLINE } });
  let frozen = config.replace(/^main = .*$/m, 'main = "bundle/worker.js"').replace(/^directory = .*$/m, 'directory = "assets"');
  // Without [assets] every request, and every cron run, goes straight to the Worker.
  if (opts.assets === false) frozen = frozen.replace(/^\[assets\]\n(?:(?!\[).*\n)*/m, '');
  writeFileSync(join(dir, 'wrangler.toml'), frozen);
  return join(dir, 'wrangler.toml');
}

/** `wrangler dev` on loopback, no login, no metrics, state in `persistTo`. */
export async function startWrangler(opts: WranglerOptions): Promise<WranglerDev> {
  const port = opts.port ?? (await freePort());
  const inspector = await freePort();
  const args = [WRANGLER, 'dev', '--port', String(port), '--ip', '127.0.0.1'];
  if (opts.frozenConfig) args.push('--config', opts.frozenConfig, '--no-bundle');
  if (opts.testScheduled) args.push('--test-scheduled');
  args.push('--inspector-port', String(inspector), '--persist-to', opts.persistTo, '--show-interactive-dev-session=false', '--live-reload=false');
  for (const [k, v] of Object.entries(opts.vars)) args.push('--var', `${k}:${v}`);
  // Its own process group, so stop() ends wrangler's workerd children with it.
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: opts.frozenConfig ? dirname(opts.frozenConfig) : ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...OFFLINE },
  });
  const lines: string[] = [];
  const reader = () => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const complete = text.split('\n');
      partial = complete.pop() ?? ''; // a line split across chunks waits for its end
      for (const line of complete) {
        if (!line.trim()) continue;
        lines.push(line);
        if (opts.echo && !OFFLINE_NOISE.test(line)) console.log(line);
      }
    };
  };
  child.stdout!.on('data', reader());
  child.stderr!.on('data', reader());
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A parent that exits without stop() must not leave workerd behind.
  const orphaned = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', orphaned);
  const gone = () => (child.exitCode === null && child.signalCode === null ? null : `wrangler exited (${child.exitCode ?? child.signalCode}):\n${lines.slice(-30).join('\n')}`);

  const stop = async () => {
    if (gone() === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 3000);
      await exited;
      clearTimeout(killer);
    }
    process.removeListener('exit', orphaned);
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    // Up but refusing (a configuration error): no use waiting for it.
    let refused: string | null = null;
    const check = async () => {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 503) refused = `the Worker is not configured: ${await res.text()}`;
      return res.ok;
    };
    await waitFor('wrangler dev', check, { ms: 30_000, gone: () => refused ?? gone() });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\nwrangler said:\n${lines.filter((l) => !OFFLINE_NOISE.test(l)).slice(-20).join('\n')}`);
  }
  return {
    url,
    port,
    lines,
    stop,
  };
}

/** The demo site's allowed origins: this port's. */
async function allowDemoFrom(pg: PgliteServer['pg'], port: number): Promise<void> {
  const db = createDb(drizzle(pg), async () => {});
  await db.sites.update(DEMO_SITE, { allowedOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`] });
}

/** The demo site (allowed from this port's origins) and the demo shop's data, loaded before anyone connects. */
export async function seedDemo(pg: PgliteServer['pg'], port: number, log: Logger = silentLogger): Promise<void> {
  const db = createDb(drizzle(pg), async () => {});
  const embedder = new LocalEmbedder();
  const vectors = new PgVectorStore(pg);
  await db.sites.upsert({ id: DEMO_SITE, name: 'Juniper Peak', allowedOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`] });
  const summary = await ingest(
    { db, vectors, embedder, log },
    { siteId: DEMO_SITE, paths: [join(ROOT, 'demo/data')], baseDir: ROOT },
  );
  for (const f of summary.failed) log.warn(`could not load ${f.file}: ${f.error}`);
}

export interface LocalWorker {
  url: string;
  port: number;
  wrangler: WranglerDev;
  postgres: PgliteServer;
  proxy: WsProxy;
  /** Present with `upstash: true`. */
  redis?: RunningRedis;
  upstash?: UpstashBridge;
  stop(): Promise<void>;
}

export interface LocalWorkerOptions {
  port?: number;
  /** Sessions through the Upstash REST protocol over a real redis-server (else in memory). */
  upstash?: boolean;
  /** More `[vars]` (they win over the defaults here). */
  vars?: Record<string, string>;
  /** Where wrangler keeps Durable Object storage; a fresh temporary folder by default. */
  persistTo?: string;
  /** Serve a bundle made at start (default), or watch the sources and reload on edits (false). */
  frozen?: boolean;
  /**
   * false: a frozen Worker without its static assets. wrangler 4.86's miniflare sends a cron
   * run (GET /cdn-cgi/handler/scheduled) to the assets proxy in front of the Worker, which has
   * no scheduled handler: it answers "exception" and the Worker never runs (workers-sdk#9882).
   */
  assets?: boolean;
  /** `--test-scheduled` (watching only: the route is added to the bundle wrangler makes). */
  testScheduled?: boolean;
  echo?: boolean;
  log?: Logger;
}

/** Everything a local conversation with the Worker needs; stop() ends all of it. */
export async function startLocalWorker(opts: LocalWorkerOptions = {}): Promise<LocalWorker> {
  const log = opts.log ?? silentLogger;
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse().splice(0)) await stop().catch(() => {});
  };
  try {
    // Watching serves .assets/ (wrangler.toml); a frozen Worker brings its own (freezeWorker).
    if (opts.frozen === false) buildWorkerAssets();
    let frozen: Promise<string> | undefined;
    if (opts.frozen !== false) {
      const dir = mkdtempSync(join(tmpdir(), 'worker-bundle-'));
      stops.push(async () => rmSync(dir, { recursive: true, force: true }));
      frozen = freezeWorker(dir, { assets: opts.assets }); // bundles while Postgres starts
      frozen.catch(() => {});
    }
    let port = opts.port ?? (await freePort());
    // Every request and every awake conversation object holds its own connections, as on Neon
    // (whose pooler takes thousands); pglite-socket cuts off clients beyond its limit.
    const postgres = await startPgliteServer({ maxConnections: 500 });
    stops.push(() => postgres.stop());
    log.info(`postgres (PGlite + pgvector) on ${postgres.host}:${postgres.port}; loading the demo data`);
    await seedDemo(postgres.pg, port, log);
    const gate = await startPgGate(postgres.port, postgres.host);
    stops.push(() => gate.stop());
    const proxy = await startWsProxy();
    stops.push(() => proxy.stop());
    const postgresUrl = `postgres://postgres@${postgres.host}:${gate.port}/postgres`;
    const vars: Record<string, string> = { POSTGRES_URL: postgresUrl, NEON_WS_PROXY: proxy.address, LOG_FORMAT: 'text' };
    let redis: RunningRedis | undefined;
    let upstash: UpstashBridge | undefined;
    if (opts.upstash) {
      redis = await startRedis();
      stops.push(() => redis!.stop());
      upstash = await startUpstashBridge(redis.port, `local-${Math.random().toString(36).slice(2)}`);
      stops.push(() => upstash!.stop());
      Object.assign(vars, { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token });
    }
    const persistTo = opts.persistTo ?? mkdtempSync(join(tmpdir(), 'worker-state-'));
    if (!opts.persistTo) stops.push(async () => rmSync(persistTo, { recursive: true, force: true }));
    let wrangler: WranglerDev;
    for (let attempt = 1; ; attempt++) {
      try {
        wrangler = await startWrangler({ port, vars: { ...vars, ...opts.vars }, persistTo, frozenConfig: await frozen, testScheduled: opts.testScheduled, echo: opts.echo });
        break;
      } catch (err) {
        // The port was free when picked, seconds ago (the demo loads in between): another test
        // can take it, or the inspector's, before workerd binds. Again on new ones.
        if (attempt >= 3 || opts.port !== undefined || !/Address already in use/.test((err as Error).message)) throw err;
        port = await freePort();
        await allowDemoFrom(postgres.pg, port);
      }
    }
    stops.push(() => wrangler.stop());
    return { url: wrangler.url, port, wrangler, postgres, proxy, redis, upstash, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
