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
import { evaluateBuiltIn, evaluateModel, headEmbedder, loadSiteModel, trainAndStore, withEmbeddings, type RowEmbedder, type TrainingReport } from '../../intents/train-site';
import { loadConfig } from '../../config/load';
import { consoleLogger } from '../../ops/logger';
import { selectProviders } from '../../wiring/providers';
import { nodeLocalModels } from './local-models';
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
    .option('--ngrams-only', "no embedding head, even when the server's embedder is a sentence model")
    .action((file: string, o: { site: string; ngramsOnly?: boolean }) => void (action = (db) => train(db, o.site, file, o.ngramsOnly !== true)));
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

async function train(db: Db, siteId: string, file: string, embed: boolean): Promise<void> {
  const rows = readRows(file);
  await siteMustExist(db, siteId);
  const embedder = embed ? headEmbedder(await serverEmbedder()) : null;
  out(`training site "${siteId}" on ${rows.length} rows from ${file}${embedder ? ` (n-grams and ${embedder.model} embeddings)` : ''}…`);
  const { version, report } = await trainAndStore({ db, newId: randomId }, siteId, rows, { source: file, embedder });
  out(describe(report));
  out(`stored as version ${version}: servers serving "${siteId}" use it within seconds, no restart`);
}

async function evaluate(db: Db, siteId: string, file: string, json: boolean): Promise<void> {
  const rows = readRows(file);
  await siteMustExist(db, siteId);
  const stored = await db.intents.get(siteId);
  let model = stored ? `site "${siteId}" model ${stored.version}` : 'the built-in intents (the site never trained)';
  let metrics: IntentMetrics;
  if (stored) {
    const { model: trained } = loadSiteModel(stored.model);
    // Read as a server with this configuration serves it: with the embedding when its embedder is the server's.
    const read = await withEmbeddings(trained, rows, trained.embedding ? await serverEmbedder() : null);
    metrics = evaluateModel(trained, read);
    model += read.some((r) => r.embedding) ? ` (n-grams and ${trained.embedding!.model})` : trained.embedding ? ` (n-grams alone: this server's embedder is not ${trained.embedding.model})` : '';
  } else metrics = evaluateBuiltIn(rows);
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
  const alone = r.heldOutNgrams;
  return [
    `${r.intents.length} intents from ${r.rows} rows (${r.features}), trained in ${(r.trainMs / 1000).toFixed(2)} s${r.embedMs ? ` (${(r.embedMs / 1000).toFixed(2)} s of it embedding the rows)` : ''}`,
    ...(r.embeddingSkipped ? [`the rows could not be embedded (${r.embeddingSkipped}): n-grams alone`] : []),
    `on the held-out tenth (${m.rows.inScope + m.rows.outOfScope} rows, never trained on):`,
    ...(m.rows.inScope < 30 ? ['  (few rows: the figures are rough; 20 or more rows per intent give steadier ones)'] : []),
    formatIntentMetrics(m),
    ...(alone
      ? [`from n-grams alone (what a server without ${r.features.replace(/^ngrams\+/, '')} serves, e.g. on Workers): in-scope accuracy ${pct(alone.accuracy)}, macro-F1 ${pct(alone.macroF1)}, out of scope recall ${pct(alone.oosRecall)}`]
      : []),
  ].join('\n');
}

const pct = (x: number | null) => (x === null ? 'n/a' : (100 * x).toFixed(1));

/** The embedder the server would build from this environment (all-MiniLM-L6-v2 by default when installed). */
async function serverEmbedder(): Promise<RowEmbedder> {
  const providers = selectProviders(loadConfig(process.env), { log: consoleLogger({ level: 'warn' }), localModels: nodeLocalModels() });
  await providers.ready();
  return providers.embedder;
}

runMain('intents', main);
