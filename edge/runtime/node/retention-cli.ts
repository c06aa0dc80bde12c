/**
 * npm run retention [-- --days N]
 * Erases every conversation idle for RETENTION_DAYS (or --days) days from the database and
 * the session store, as an admin erasure would (conversation/erase.ts). Run it daily (cron, a
 * Kubernetes CronJob); the Worker runs the same from its own daily cron trigger. On the
 * embedded database it needs the server stopped (PGlite belongs to one process).
 * Exit codes: 0 done, 2 usage or a store that cannot be opened.
 */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/load';
import { expireConversations } from '../../conversation/erase';
import { consoleLogger } from '../../ops/logger';
import { parseCli, runMain } from './cli-parse';
import { openStores } from './deps';
import { openSessionStore } from './sessions';

const DAY_MS = 86_400_000;

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('retention')
    .description('Erase conversations idle for longer than the retention period')
    .option('--days <n>', 'retention period in days (default: RETENTION_DAYS)');
  const usage = parseCli(program, argv);
  if (usage !== null) return usage;
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    return fail(e instanceof ConfigError ? e.message : String(e));
  }
  const given = program.opts<{ days?: string }>().days;
  const days = given === undefined ? config.RETENTION_DAYS : Number(given);
  if (days === undefined) return fail('no retention period: set RETENTION_DAYS or pass --days N');
  if (!Number.isInteger(days) || days < 1) return fail('--days must be a whole number of days, at least 1');

  const log = consoleLogger({ level: 'warn' });
  const clock = { now: () => Date.now() };
  let stores;
  let sessions;
  try {
    sessions = await openSessionStore(config, log, clock);
    stores = await openStores(config, false, log);
  } catch (e) {
    await sessions?.close().catch(() => {});
    return fail(e instanceof Error ? e.message : String(e));
  }
  try {
    const before = new Date(clock.now() - days * DAY_MS);
    const erased = await expireConversations({ db: stores.db, sessions: sessions.store }, before);
    process.stdout.write(`retention: ${erased} conversation${erased === 1 ? '' : 's'} idle since before ${before.toISOString()} erased (${days} days)\n`);
    return 0;
  } finally {
    await Promise.allSettled([stores.close(), sessions.close()]);
  }
}

function fail(message: string): number {
  process.stderr.write(`retention: ${message}\n`);
  return 2;
}

runMain('retention', main);
