/**
 * npm run retention [-- --days N]
 * Erases every conversation idle for its site's `retentionDays` (else RETENTION_DAYS or --days)
 * from the database and the session store, as an admin erasure would (conversation/erase.ts). Run it daily (cron, a
 * Kubernetes CronJob); the Worker runs the same from its own daily cron trigger. On the
 * embedded database it needs the server stopped (PGlite belongs to one process).
 * Exit codes: 0 done, 2 usage or a store that cannot be opened.
 */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/load';
import { expireBySite } from '../../conversation/erase';
import { consoleLogger } from '../../ops/logger';
import { parseCli, runMain } from './cli-parse';
import { openStores } from './deps';
import { openSessionStore } from './sessions';


async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('retention')
    .description('Erase conversations idle for longer than the retention period')
    .option('--days <n>', 'retention period in days for sites without their own (default: RETENTION_DAYS)');
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
  if (days !== undefined && (!Number.isInteger(days) || days < 1)) return fail('--days must be a whole number of days, at least 1');

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
    const done = await expireBySite({ db: stores.db, sessions: sessions.store }, { defaultDays: days, now: clock.now() });
    if (done.length === 0) return fail("no retention period: set RETENTION_DAYS, pass --days N, or give a site its own (npm run site -- set <id> --set retentionDays=N)");
    for (const r of done) {
      const deliveries = r.deliveries ? `, ${r.deliveries} settled webhook deliver${r.deliveries === 1 ? 'y' : 'ies'} deleted` : '';
      process.stdout.write(`retention: ${r.site}: ${r.erased} conversation${r.erased === 1 ? '' : 's'} idle since before ${r.before.toISOString()} erased (${r.days} days)${deliveries}\n`);
    }
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
