import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { createNodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import { fileURLToPath } from 'node:url';
import { relative, resolve } from 'node:path';
import { CLOSE_RESTARTING, MAX_FRAME_BYTES } from '@support-chat/protocol';
import { createApp, type AppRuntime } from '../../app';
import { startTracing } from '../../ops/tracing/otlp';
import { clientBehindProxies, type AddressOf } from '../../http/client-address';
import { SDK_FILE, securityHeaders } from '../../http/security-headers';
import { APP_PAGES } from '../../http/app-pages';
import { closeIdleSockets } from './idle-sockets';
import { describeProviders } from '../../wiring/describe';
import type { Config } from '../../config/schema';
import type { Logger } from '../../core/ports';
import type { Deps } from '../../core/deps';
import type { ErrorReporter } from '../../ops/errors';
import { flushWithin, reporterFor, reportingLogger, reportRequestErrors } from '../../ops/reporting';
import { buildNodeDeps, type NodeDepsOptions } from './deps';
import { mountDemoPages } from './demo-pages';
import { classicScriptEmbed } from './sdk-embed';
import { ensureDemoSite, loadDemoData } from './seed';
import { nodeLocalModels } from './local-models';
import { describeEncryption, rotateInBackground } from './encryption';
import type { RotateSummary } from '../../core/ports';
import { startWebhookRetries } from '../../notify/timer';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A client that sends its request slowly holds a connection: the headers must arrive within
 * 10 s and the whole request within 30 s (a body is at most 16 KB), checked every second.
 * Answers may stream for longer; these bound only what the client sends.
 */
const SLOW_CLIENT_LIMITS = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 };

export interface RunningServer {
  url: string;
  port: number;
  /**
   * A graceful stop: stops accepting, asks every socket to reconnect elsewhere (1012), lets
   * answers in flight finish within `graceMs` (default SHUTDOWN_GRACE_MS), then closes the
   * stores, which flushes their writes, and sends the error reports still pending (up to ~2 s).
   */
  close(opts?: { graceMs?: number }): Promise<void>;
  /** The background re-sealing under the current key (encryption.ts): its summary, null when there was none. */
  rotation: Promise<RotateSummary | null>;
}

export interface StartOptions {
  inMemory?: boolean;
  seed?: boolean;
  /** The process's reporter (main.ts reports its own crashes to it); one from SENTRY_DSN otherwise. */
  reporter?: ErrorReporter;
  /** Provider tuning (tests shorten timeouts, hand the SDKs a fetch). */
  providers?: NodeDepsOptions['providers'];
}

/** The Node runtime: builds deps, seeds the demo, serves the app, the demo site and the SDK. */
export async function startServer(config: Config, baseLog: Logger, opts: StartOptions = {}): Promise<RunningServer> {
  for (const [job, impl] of Object.entries(describeProviders(config, nodeLocalModels()))) baseLog.info(`${job.padEnd(10)} ${impl}`);
  const encryption = describeEncryption(config);
  if (encryption) baseLog[encryption.level](encryption.text);
  const reporter = opts.reporter ?? reporterFor(config.SENTRY_DSN);
  // What the core logs as an error (a failed turn, a message not taken) is reported too.
  const log = reportingLogger(baseLog, reporter);
  const tracing = startTracing(config, log);
  const built = await buildNodeDeps(config, log, opts).catch(async (err) => {
    await tracing?.shutdown();
    throw err;
  });
  const { deps, exporter } = built;
  // The last spans go out after the stores closed, so the shutdown's own are among them.
  const closeDeps = async () => {
    await built.close();
    await tracing?.shutdown();
  };

  try {
    return await serveApp(config, log, deps, reporter, closeDeps, { ...opts, ...(exporter ? { metrics: { token: config.METRICS_TOKEN, exporter } } : {}) });
  } catch (err) {
    // The database lock and file handles go with a failed start (a port in use, say).
    await closeDeps().catch(() => {});
    throw err;
  }
}

async function serveApp(
  config: Config,
  log: Logger,
  deps: Deps,
  reporter: ErrorReporter,
  closeDeps: () => Promise<void>,
  opts: { seed?: boolean; metrics?: AppRuntime['metrics'] },
): Promise<RunningServer> {
  // DEMO_DATA_DIR=off: a production database gets no demo site (and no sample shop in it).
  if (opts.seed !== false && config.DEMO_DATA_DIR !== 'off') {
    await ensureDemoSite(deps, config, config.PORT);
    try {
      await loadDemoData(deps, resolve(ROOT, config.DEMO_DATA_DIR ?? 'demo/data'), ROOT);
    } catch (err) {
      log.error('could not load the demo data; the server runs without it', { error: String(err) });
    }
  }

  const root = new Hono();
  // The app's error handler logs "request failed" (not reported by the logger): this reports the error itself.
  root.use('*', reportRequestErrors(reporter, 'http'), securityHeaders);
  const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app: root });
  // ws would buffer up to 100 MiB of one frame before the handler saw it: it now stops at the
  // frame's header and closes with 1009 (the handler does the same on the Worker).
  wss.options.maxPayload = MAX_FRAME_BYTES;
  const stopIdleSweep = closeIdleSockets(wss, config.SOCKET_IDLE_SECONDS * 1000);
  const clientAddress: AddressOf = (c) => clientBehindProxies(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), config.TRUST_PROXY);
  const { app, chat } = createApp(deps, { upgradeWebSocket, clientAddress, metrics: opts.metrics });
  root.route('/', app);
  // serveStatic resolves against the working directory; relative paths keep `npm start` anywhere in the repo.
  const rel = (dir: string) => relative(process.cwd(), resolve(ROOT, dir)) || '.';
  root.use('/sdk/support-chat.js', classicScriptEmbed(rel('sdk/dist')));
  // The built scripts only: no source maps or type declarations go out.
  root.use('/sdk/*', async (c, next) => (SDK_FILE.test(c.req.path.slice('/sdk/'.length)) ? next() : c.notFound()));
  root.use('/sdk/*', serveStatic({ root: rel('sdk/dist'), rewriteRequestPath: (p) => p.replace(/^\/sdk/, '') }));
  // The inbox's and the admin page's bundles (their pages are the app's, edge/http/app-pages.ts).
  for (const page of APP_PAGES) root.get(page.script, serveStatic({ root: rel('dist'), rewriteRequestPath: () => `/${page.file}` }));
  root.use('/*', serveStatic({ root: rel('demo/site') }));
  mountDemoPages(root, deps.db);

  const server: ServerType = await new Promise((ok, fail) => {
    const s = serve({ fetch: root.fetch, port: config.PORT, hostname: config.HOST, serverOptions: SLOW_CLIENT_LIMITS }, () => ok(s));
    s.once('error', fail);
  });
  // @hono/node-ws leaves out empty headers, which would make an empty Origin look like none:
  // it is kept as an opaque origin, which every site refuses (http/site-access.ts).
  server.prependListener('upgrade', (req: { headers: Record<string, unknown> }) => {
    if (req.headers.origin === '') req.headers.origin = 'null';
  });
  injectWebSocket(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;

  // The port actually bound (PORT=0 in tests): the demo site allows this origin.
  if (opts.seed !== false && config.DEMO_DATA_DIR !== 'off') await ensureDemoSite(deps, config, port);
  const url = `http://localhost:${port}`;
  const rotation = rotateInBackground(deps.db, config, log);
  // Webhook deliveries that did not land are tried again on their schedule (edge/notify).
  const stopWebhookRetries = startWebhookRetries(deps);
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    rotation: rotation.done,
    close: (opts = {}) =>
      (closing ??= (async () => {
        stopIdleSweep();
        // Between two batches: what is left is rotated at the next start.
        await rotation.stop();
        await stopWebhookRetries();
        const drained = chat.drain(opts.graceMs ?? config.SHUTDOWN_GRACE_MS);
        const closed = new Promise<void>((ok) => server.close(() => ok()));
        // Their clients reconnect to another process, which resumes the session from the shared
        // log; the answers still running here keep publishing into it until they end.
        for (const ws of wss.clients) ws.close(CLOSE_RESTARTING, 'server restarting');
        await drained;
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        await closed;
        await closeDeps();
        await flushWithin(reporter, 2000);
      })()),
  };
}
