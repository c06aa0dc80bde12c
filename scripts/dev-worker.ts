/**
 * `npm run dev:worker`: the Cloudflare Worker on this machine, with nothing from Cloudflare's
 * cloud and no login. It starts Postgres (PGlite + pgvector, in this process) with the demo
 * shop's data, the WebSocket proxy that Neon's driver talks through, and `wrangler dev`
 * (workerd) on PORT (default 8788), which reloads when the sources change. Ctrl-C stops all.
 * The cron trigger (retention) runs on request: GET /__scheduled (wrangler's --test-scheduled).
 *
 * Settings from the environment or `.env` (edge/config/schema.ts names them) go to the Worker
 * as variables; set UPSTASH_REDIS_REST_URL/TOKEN or SENTRY_DSN there to use those services.
 */
import { existsSync } from 'node:fs';
import { configSchema } from '../edge/config/schema';
import { consoleLogger } from '../edge/ops/logger';
import { startLocalWorker } from './local-worker';

if (existsSync('.env')) process.loadEnvFile('.env');

/** Set here, not passed through: the local Postgres, and settings of the Node server only. */
const LOCAL_ONLY = new Set(['POSTGRES_URL', 'PORT', 'HOST', 'DATA_DIR', 'DEMO_DATA_DIR']);

const port = Number(process.env.PORT || 8788);
const log = consoleLogger({ level: 'info' });
const vars: Record<string, string> = {};
for (const name of Object.keys(configSchema.shape)) {
  const value = process.env[name];
  // A redis:// REDIS_URL is the Node server's, which a Worker cannot reach and would refuse.
  if (name === 'REDIS_URL' && value && !/^https?:/.test(value)) continue;
  if (value && !LOCAL_ONLY.has(name)) vars[name] = value;
}

const started = Date.now();
const worker = await startLocalWorker({ port, frozen: false, testScheduled: true, echo: true, log, vars }).catch((err: Error) => {
  log.error(`could not start the Worker: ${err.message}`);
  process.exit(1);
});
log.info(
  `ready in ${((Date.now() - started) / 1000).toFixed(1)} s: open http://127.0.0.1:${worker.port}/ for the demo shop with the assistant ` +
    `(the Worker in workerd; Postgres through Neon's driver and ${worker.proxy.address}; Ctrl-C stops everything)`,
);
log.info(`the cron trigger (retention, with RETENTION_DAYS): curl "http://127.0.0.1:${worker.port}/__scheduled?cron=17+3+*+*+*"`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info('stopping the Worker, the proxy and Postgres');
    await worker.stop();
    process.exit(0);
  });
}
