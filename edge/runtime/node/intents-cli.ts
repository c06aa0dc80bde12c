/**
 * npm run intents -- <command>: a site's own intents, trained from labelled rows (CSV with the
 * columns text,label; rows labelled `oos` are out of scope).
 *   train <file.csv> [--site S]          train and store; every server serving S swaps it in within seconds
 *   eval <file.csv> [--site S] [--json]  score the site's model (or the built-in intents) on the rows
 *   show [--site S] [--json]             the stored model's held-out report
 *   reset --site S --yes                 back to the built-in intents (the stored rows go too)
 * The embedded database belongs to one process: stop `npm start` first, or use POSTGRES_URL.
 * Exit codes: 0 done, 1 no such site or model, 2 usage, a bad file or a store that cannot be opened.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { randomId } from '../../core/ids';
import type { Db } from '../../core/ports';
import { formatIntentMetrics, type IntentMetrics } from '../../pipeline/intent/evaluate';
import { RowsError, parseRowsCsv, type LabelledRow } from '../../intents/rows';
import { evaluateBuiltIn, evaluateModel, loadSiteModel, trainAndStore, type TrainingReport } from '../../intents/train-site';
import { parseCli, runMain } from './cli-parse';
import { NotFoundError, UsageError, withStores } from './cli-stores';

const out = (s: string): void => void process.stdout.write(s + '\n');

async function main(argv: string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let action: ((db: Db) => Promise<void>) | undefined;
  let misuse: string | undefined;
  const program = new Command().name('intents').description("A site's own intents: train, evaluate, show, reset").showHelpAfterError();
  program
    .command('train <file>')
    .description('train the site\'s intents from a CSV of text,label rows ("oos" rows: out of scope)')
    .option('--site <id>', 'the site', 'demo')
    .action((file: string, o: { site: string }) => void (action = (db) => train(db, o.site, file)));
  program
    .command('eval <file>')
    .description("accuracy, macro-F1, per intent, confusions and out of scope of the site's model on a CSV of text,label rows")
    .option('--site <id>', 'the site', 'demo')
    .option('--json', 'one JSON object')
    .action((file: string, o: { site: string; json?: boolean }) => void (action = (db) => evaluate(db, o.site, file, o.json === true)));
  program
    .command('show')
    .description("the stored model's report on its held-out tenth")
    .option('--site <id>', 'the site', 'demo')
    .option('--json', 'one JSON object')
    .action((o: { site: string; json?: boolean }) => void (action = (db) => show(db, o.site, o.json === true)));
  program
    .command('reset')
    .description('delete the site\'s model and rows: the built-in intents serve it again')
    .requiredOption('--site <id>', 'the site')
    .option('--yes', 'yes, delete them')
    .action((o: { site: string; yes?: boolean }) => {
      if (!o.yes) misuse = `this deletes site "${o.site}"'s intent model and its labelled rows: add --yes`;
      action = async (db) => {
        if (!(await db.intents.delete(o.site))) throw new NotFoundError(`site "${o.site}" has no intent model`);
        out(`site "${o.site}" is served by the built-in intents again (running servers within seconds)`);
      };
    });

  const usage = parseCli(program, argv);
  if (usage !== null) return usage;
  if (!action) return program.help({ error: true }), 2;
  if (misuse) return process.stderr.write(`intents: ${misuse}\n`), 2;
  // A file that cannot be read or parsed fails before any store is opened.
  try {
    return await withStores('intents', (stores) => action!(stores.db));
  } catch (e) {
    if (e instanceof RowsError) return process.stderr.write(`intents: ${e.message}\n`), 2;
    throw e;
  }
}

function readRows(file: string): LabelledRow[] {
  if (!existsSync(file)) throw new UsageError(`no file "${file}"`);
  return parseRowsCsv(readFileSync(file, 'utf8'), file);
}

async function siteMustExist(db: Db, siteId: string): Promise<void> {
  if (!(await db.sites.get(siteId))) throw new NotFoundError(`no site "${siteId}" (npm run site -- list)`);
}

async function train(db: Db, siteId: string, file: string): Promise<void> {
  const rows = readRows(file);
  await siteMustExist(db, siteId);
  out(`training site "${siteId}" on ${rows.length} rows from ${file}…`);
  const { version, report } = await trainAndStore({ db, newId: randomId }, siteId, rows, file);
  out(describe(report));
  out(`stored as version ${version}: servers serving "${siteId}" use it within seconds, no restart`);
}

async function evaluate(db: Db, siteId: string, file: string, json: boolean): Promise<void> {
  const rows = readRows(file);
  await siteMustExist(db, siteId);
  const stored = await db.intents.get(siteId);
  const model = stored ? `site "${siteId}" model ${stored.version}` : 'the built-in intents (the site never trained)';
  const metrics: IntentMetrics = stored ? evaluateModel(loadSiteModel(stored.model).model, rows) : evaluateBuiltIn(rows);
  if (json) return out(JSON.stringify({ model, ...metrics }));
  out(`${model} on ${rows.length} rows of ${file}:`);
  out(formatIntentMetrics(metrics));
}

async function show(db: Db, siteId: string, json: boolean): Promise<void> {
  const stored = await db.intents.get(siteId);
  if (!stored) throw new NotFoundError(`site "${siteId}" has no intent model: the built-in intents serve it (npm run intents -- train <file.csv> --site ${siteId})`);
  if (json) return out(JSON.stringify({ version: stored.version, trainedAt: stored.trainedAt.toISOString(), report: stored.report }));
  out(`site "${siteId}", version ${stored.version}, trained ${stored.trainedAt.toISOString()}`);
  out(describe(stored.report as unknown as TrainingReport));
}

function describe(r: TrainingReport): string {
  const m = r.heldOut;
  return [
    `${r.intents.length} intents from ${r.rows} rows (${r.features}), trained in ${(r.trainMs / 1000).toFixed(2)} s`,
    `on the held-out tenth (${m.rows.inScope + m.rows.outOfScope} rows, never trained on):`,
    ...(m.rows.inScope < 30 ? ['  (few rows: the figures are rough; 20 or more rows per intent give steadier ones)'] : []),
    formatIntentMetrics(m),
  ].join('\n');
}

runMain('intents', main);
