/**
 * npm run encryption -- status [--json]
 * npm run encryption -- rotate [--batch N] [--plain]
 * `status` counts the values of each sealed column by the key they are sealed under, and those
 * stored in the clear. `rotate` re-seals under the current key (the first of
 * DATA_ENCRYPTION_KEY) what older keys sealed, to completion, with progress on stderr; with
 * `--plain` it also seals values written before a key was set. Once `status` shows nothing
 * under an older key, that key can leave DATA_ENCRYPTION_KEY. The Node server rotates by itself
 * after start; this is for Workers deployments (POSTGRES_URL: the Neon database) and for
 * finishing before a key is dropped. On the embedded database it needs the server stopped.
 * Exit codes: 0 done, 1 values that would not open, 2 usage, config or a store that cannot be opened.
 */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/load';
import type { Config } from '../../config/schema';
import { cipherFor } from '../../core/crypto';
import type { Db as AnyDb } from '../../core/ports';
import { consoleLogger } from '../../ops/logger';
import { parseCli, runMain } from './cli-parse';
import { openStores } from './deps';

async function main(argv: string[]): Promise<number> {
  const program = new Command().name('encryption').description('Encryption at rest: counts per key, and rotation to the current key');
  // Set by the subcommand commander picked.
  const chosen: { run?: () => Promise<number> } = {};
  let config: Config;
  program
    .command('status')
    .description('count sealed values per key id, and plain ones, per column')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => void (chosen.run = () => withDb((db) => status(db, o.json === true))));
  program
    .command('rotate')
    .description('re-seal under the current key what older keys sealed')
    .option('--batch <n>', 'rows per batch', '100')
    .option('--plain', 'also seal values stored in the clear')
    .action((o: { batch: string; plain?: boolean }) => void (chosen.run = () => rotate(o)));
  const usage = parseCli(program, argv);
  if (usage !== null) return usage;
  if (!chosen.run) {
    program.outputHelp({ error: true });
    return 2;
  }
  try {
    config = loadConfig(process.env);
  } catch (e) {
    return fail(e instanceof ConfigError ? e.message : String(e));
  }

  async function withDb(work: (db: Db) => Promise<number>): Promise<number> {
    let stores;
    try {
      stores = await openStores(config, false, consoleLogger({ level: 'warn' }));
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
    try {
      if (!stores.db.encryption) return fail('this database has no sealed columns');
      return await work(stores.db as Db);
    } finally {
      await stores.close();
    }
  }

  async function status(db: Db, json: boolean): Promise<number> {
    const columns = await db.encryption.status();
    // Every key of the ring is listed, at 0 too: "nothing left under k1" is the answer wanted.
    for (const kid of cipherFor(config.DATA_ENCRYPTION_KEY).kids) for (const c of columns) c.sealed[kid] ??= 0;
    if (json) {
      process.stdout.write(`${JSON.stringify(columns)}\n`);
      return 0;
    }
    for (const c of columns) {
      const kids = Object.entries(c.sealed).map(([kid, n]) => `${kid} ${n}`);
      process.stdout.write(`${c.column.padEnd(18)} plain ${c.plain}${kids.length ? `, ${kids.join(', ')}` : ''}\n`);
    }
    return 0;
  }

  async function rotate(o: { batch: string; plain?: boolean }): Promise<number> {
    const batch = Number(o.batch);
    if (!Number.isInteger(batch) || batch < 1) return fail('--batch must be a whole number, at least 1');
    if (!config.DATA_ENCRYPTION_KEY) return fail('DATA_ENCRYPTION_KEY is not set: there is no key to rotate to');
    return withDb(async (db) => {
      const started = Date.now();
      const summary = await db.encryption.rotate({
        batch,
        plain: o.plain === true,
        onProgress: (p) => process.stderr.write(`rotate: ${p.column}: ${p.resealed} re-sealed${p.failed ? `, ${p.failed} failed` : ''}\n`),
      });
      process.stdout.write(`rotate: ${summary.resealed} value(s) re-sealed under key ${summary.kid} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      if (summary.failed === 0) return 0;
      process.stderr.write(`rotate: ${summary.failed} value(s) would not open and were left as they are:\n${summary.errors.map((e) => `  ${e}\n`).join('')}`);
      return 1;
    });
  }

  return chosen.run();
}

type Db = { encryption: NonNullable<AnyDb['encryption']> };

function fail(message: string): number {
  process.stderr.write(`encryption: ${message}\n`);
  return 2;
}

runMain('encryption', main);
