/**
 * The store adapters inside workerd (wrangler dev, no Cloudflare login): @upstash/redis/cloudflare
 * → upstash-bridge → redis-server; the Neon driver on workerd's WebSocket → ws-proxy →
 * pglite-socket with pgvector; toucan-js → sentry-receiver. Proves they need no Node API, and
 * that the Worker's deps builder finds Upstash from an https:// REDIS_URL there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithout } from '../servers/availability';
import { freePort, waitFor } from '../../scripts/local/free-port';
import { startPgliteServer, type PgliteServer } from '../../scripts/local/pglite-server';
import { ensureRedisServer, startRedis, type RunningRedis } from '../../scripts/local/redis';
import { startSentryReceiver, type SentryReceiver } from '../servers/sentry-receiver';
import { startUpstashBridge, type UpstashBridge } from '../../scripts/local/upstash-bridge';
import { startWsProxy, type WsProxy } from '../../scripts/local/ws-proxy';
import { startS3, type S3Server } from '../servers/s3';

const skip = skipWithout('redis-server', await ensureRedisServer().then(() => null, (e: Error) => e.message));

let pglite: PgliteServer;
let proxy: WsProxy;
let redis: RunningRedis;
let bridge: UpstashBridge;
let sentry: SentryReceiver;
let s3: S3Server;
let wrangler: ChildProcess;
let dir: string;
let base: string;
let output = '';

describe.skipIf(skip)('store adapters in workerd', () => {
  beforeAll(async () => {
    [pglite, proxy, redis, sentry, s3] = await Promise.all([startPgliteServer(), startWsProxy(), startRedis(), startSentryReceiver(), startS3()]);
    bridge = await startUpstashBridge(redis.port, 'workerd-token');
    dir = mkdtempSync(join(tmpdir(), 'workerd-stores-'));
    const config = join(dir, 'wrangler.toml');
    writeFileSync(
      config,
      [
        'name = "stores-workerd-test"',
        `main = ${JSON.stringify(resolve('tests/integration/stores-workerd.worker.ts'))}`,
        // The deployed Worker's date and flags (nodejs_als for the traces' context), so both run alike.
        ...readFileSync('wrangler.toml', 'utf8')
          .split('\n')
          .filter((l) => /^compatibility_(date|flags)\s*=/.test(l)),
        '[vars]',
        `UPSTASH_URL = "${bridge.url}"`,
        `UPSTASH_TOKEN = "${bridge.token}"`,
        `PG_URL = "${pglite.url}"`,
        `WS_PROXY = "${proxy.address}"`,
        `SENTRY_DSN = "${sentry.dsn}"`,
        `S3_ENDPOINT = "${s3.endpoint}"`,
        '[[r2_buckets]]',
        'binding = "ORIGINALS"',
        'bucket_name = "originals-test"',
        '[[analytics_engine_datasets]]',
        'binding = "METRICS"',
        'dataset = "support_chat_metrics"',
      ].join('\n'),
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    wrangler = spawn(
      process.execPath,
      [resolve('node_modules/wrangler/bin/wrangler.js'), 'dev', '--config', config, '--port', String(port), '--ip', '127.0.0.1', '--persist-to', join(dir, 'state'), '--log-level', 'warn'],
      { env: { ...process.env, CLOUDFLARE_API_TOKEN: '', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    wrangler.stdout!.on('data', (d) => (output += d));
    wrangler.stderr!.on('data', (d) => (output += d));
    await waitFor('wrangler dev', async () => (await fetch(`${base}/ready`)).ok, {
      ms: 45_000,
      gone: () => (wrangler.exitCode === null ? null : `exited ${wrangler.exitCode}: ${output.slice(-2000)}`),
    });
  });
  afterAll(async () => {
    if (wrangler && wrangler.exitCode === null) {
      const closed = new Promise((r) => wrangler.once('close', r));
      process.kill(-wrangler.pid!, 'SIGTERM'); // its process group: wrangler, esbuild and workerd
      await closed;
    }
    await Promise.all([bridge?.stop(), proxy?.stop(), sentry?.stop(), s3?.stop()]);
    await Promise.all([redis?.stop(), pglite?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sessions on Upstash, Postgres with pgvector over Neon, errors to Sentry', async () => {
    const res = await fetch(`${base}/v1/sessions/s_Secret1?run=wd1&session=s_Secret1`);
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, output).toBe(200);
    expect(body.runtime).toBe('Cloudflare-Workers');
    expect(body.seqs).toEqual([1, 2, 3]);
    expect(body.after1).toEqual([{ seq: 2, event: { n: 2 } }, { seq: 3, event: { n: 3 } }]);
    expect(body.after0).toBeNull();
    expect(body.leases).toEqual([true, false]);
    expect(body.waits).toEqual([0, true]);
    expect(body.site).toEqual({ id: 'wd1', name: 'Workerd', allowedOrigins: ['https://w.example'], publicKey: null, secretKey: null, settings: {} });
    expect(body.hit).toEqual([{ found: true, score: 1 }]);

    const [env] = await sentry.waitFor(1);
    const event = env.items.find((i) => i.header.type === 'event')!.payload as { tags: Record<string, string>; request: unknown };
    expect(event.tags).toMatchObject({ stage: 'workerd.stores', site: 'wd1' });
    // wrangler dev hands the Worker the URL without our port.
    expect(event.request).toMatchObject({ method: 'GET', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1(:\d+)?\/v1\/sessions\/:id$/) });
    expect(env.raw).not.toContain('wd1-secret');
    expect(env.raw).not.toContain('s_Secret1');
  });

  it('originals: R2 through its binding and S3 over fetch (s3rver, the S3 REST protocol); metrics to the Analytics Engine binding; inside workerd', async () => {
    const res = await fetch(`${base}/objects?run=wd3`);
    expect(res.status, output).toBe(200);
    const body = (await res.json()) as Record<string, Record<string, unknown>> & { wired: string };
    for (const store of [body.r2, body.s3]) {
      expect(store).toEqual({
        keys: ['sites/wd3/originals/faq.csv', 'sites/wd3/originals/help%2F%C3%A4%20x.md'],
        text: '# wd3\n\nä ü',
        afterDelete: ['sites/wd3/originals/help%2F%C3%A4%20x.md'],
        missing: null,
      });
    }
    expect(body.wired).toBe('R2 bucket (binding ORIGINALS)');
    expect(body.metrics).toBe('function');
  });

  it("the Worker's deps builder takes Upstash from REDIS_URL=https://… (the bridge serves its commands)", async () => {
    const before = bridge.requests.length;
    const res = await fetch(`${base}/wired-sessions?run=wd2`);
    expect(res.status, output).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.seq).toBe(1);
    expect(body.events).toEqual([{ seq: 1, event: { n: 1 } }]);
    expect(bridge.requests.length).toBeGreaterThan(before);
  });
});
