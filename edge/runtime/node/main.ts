import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../../config/load';
import type { Config } from '../../config/schema';
import { consoleLogger } from '../../ops/logger';
import { pinoLogger } from './logger';
import { reportProcessErrors } from '../../ops/process-errors';
import { flushWithin, reporterFor } from '../../ops/reporting';
import { watchParent } from './parent-watch';
import { startServer } from './server';
import { StartupError } from './startup-error';

// A .env file beside package.json is the usual place for local settings; the environment wins.
if (existsSync('.env')) process.loadEnvFile('.env');

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

// JSON for collectors through pino; readable lines at a terminal.
const log = config.LOG_FORMAT === 'json' ? pinoLogger(config.LOG_LEVEL) : consoleLogger({ level: config.LOG_LEVEL });
// One reporter for the process (SENTRY_DSN): requests, the core's logged errors, and crashes.
const reporter = reporterFor(config.SENTRY_DSN);
reportProcessErrors(reporter, log);
const started = Date.now();
const server = await startServer(config, log, { reporter }).catch(async (err) => {
  // A server it cannot reach or use: the variable and the reason, on one line.
  if (err instanceof StartupError) console.error(err.message);
  else log.error(`could not start: ${err instanceof Error ? err.message : String(err)}`);
  await flushWithin(reporter, 2000);
  process.exit(1);
});
log.info(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: open ${server.url} for the demo shop with the assistant`);

let stopping = false;
async function stop(why: string): Promise<void> {
  // A second signal means "now": the operator gave up on the grace period.
  if (stopping) process.exit(1);
  stopping = true;
  log.info(`${why}: draining (answers in flight get up to ${config.SHUTDOWN_GRACE_MS} ms)`);
  try {
    await server.close();
    log.info('stopped');
    process.exit(0);
  } catch (err) {
    log.error('shutdown failed', { error: String(err) });
    process.exit(1);
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));
watchParent(() => void stop('the process that started the server exited'));
