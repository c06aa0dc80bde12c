/**
 * npm run ingest -- [options] <file or folder>...
 * Exit codes: 0 done, 1 a file failed (the others are stored), 2 usage or configuration error.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { DataDirInUseError, openEmbeddedStores } from '../edge/runtime/node/stores';
import { openPostgresStores, TargetDatabaseError } from '../edge/runtime/node/postgres-stores';
import { ConfigError, loadConfig } from '../edge/config/load';
import type { Config } from '../edge/config/schema';
import { consoleLogger } from '../edge/ops/logger';
import { selectProviders, selectVectorStore } from '../edge/wiring/providers';
import { IndexMismatchError, type Db, type ObjectStore } from '../edge/core/ports';
import { reembedStored } from '../edge/ingest/reembed';
import { sourceOf } from '../edge/ingest/walk';
import { describeProgress, formatSummary, ingest, IngestConfigError, type IngestDeps, type ProgressEvent } from '../edge/ingest/run';
import { parseCli, runMain } from '../edge/runtime/node/cli-parse';
import { nodeLocalModels } from '../edge/runtime/node/local-models';
import { followMessage, planIndexUpgrade } from '../edge/runtime/node/index-upgrade';
import { LOCAL_EMBEDDING_MODEL } from '../edge/providers/embeddings/local';
import { MINILM_MODEL } from '../edge/providers/embeddings/models';
import { sealingFor } from '../edge/wiring/sealing';
import { fetchOriginals } from '../edge/ingest/from-originals';
import { openObjectStore } from '../edge/runtime/node/objects';

interface CliOptions {
  site: string;
  prune?: boolean;
  reembed?: boolean;
  dataDir: string;
  createSite?: boolean;
  target?: string;
  fromOriginals?: boolean;
}

/** The site that exists with nothing configured; the server sets its origins when it starts. */
const DEMO_SITE = 'demo';

async function main(argv: string[]): Promise<number> {
  // The server's settings (a .env beside package.json, the environment winning) say where to write.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const program = new Command()
    .name('ingest')
    .description('Index FAQs, docs, products and orders (.md .markdown .html .htm .txt .json .csv) for a site')
    .argument('[paths...]', 'files or folders to ingest (folders are read recursively); none with --reembed re-embeds what is stored')
    .option('--site <id>', 'site to ingest into', 'demo')
    .option('--prune', 'remove documents whose file under the given paths no longer exists')
    .option('--reembed', 'reset the vector index for the current embedder and embed again: the given files, or without paths every stored chunk of every site')
    .option('--data-dir <dir>', 'embedded database folder', process.env.DATA_DIR || '.data')
    .option('--create-site', 'create the site if it does not exist')
    .option('--from-originals', "ingest the site's kept originals again (S3_*, or DATA_DIR/objects) instead of paths: rebuilds its index from them")
    .option('--target <url>', 'ingest into this PostgreSQL (the servers\' shared database, e.g. Neon) instead of the embedded one; default POSTGRES_URL', process.env.POSTGRES_URL || undefined);

  const usage = parseCli(program, argv);
  if (usage !== null) return usage;
  const opts = program.opts<CliOptions>();
  const paths = program.args;
  if (opts.fromOriginals && (paths.length || opts.prune)) return configError('--from-originals takes no paths (nor --prune): it reads the site\'s kept originals');
  if (paths.length === 0 && !opts.reembed && !opts.fromOriginals) return configError('give at least one file or folder (or --reembed alone to re-embed what is stored)');
  // Before opening the database (seconds on a first run): a typo should fail at once.
  const missing = paths.find((p) => !existsSync(p));
  if (missing) return configError(`path not found: ${missing}`);

  // The same settings as the server: EMBEDDING_MODEL, OPENAI_*, QDRANT_* choose where vectors come from and go.
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) return configError(e.message);
    throw e;
  }
  if (opts.target !== undefined && !/^postgres(ql)?:\/\//.test(opts.target)) {
    return configError('--target must be a postgres:// or postgresql:// URL');
  }
  let stores: { db: Db; vectors: IngestDeps['vectors']; close(): Promise<void> };
  try {
    stores = opts.target
      ? await openPostgresStores(opts.target, undefined, { needPgvector: !config.QDRANT_URL, sealing: sealingFor(config) })
      : await openEmbeddedStores({ dataDir: opts.dataDir, sealing: sealingFor(config) });
  } catch (e) {
    if (e instanceof TargetDatabaseError) return configError(e.message);
    // The running server ingests itself: point at the routes that do what this run would.
    if (e instanceof DataDirInUseError) return configError(`${e.message}\n${whileRunning(opts, paths)}`);
    const reason = (e as Error).message || (e as { code?: string }).code || String(e);
    return configError(opts.target ? `cannot open the target database: ${reason}` : `cannot open the data directory ${opts.dataDir}: ${reason}`);
  }
  const progress = progressReporter();
  try {
    const log = consoleLogger({ level: 'warn' });
    // The server's embedder: all-MiniLM-L6-v2 by default when its files are installed.
    let providers = selectProviders(config, { log, localModels: nodeLocalModels() });
    await providers.ready();
    const vectors = selectVectorStore(config, () => stores.vectors, { log });
    // An index another model built, EMBEDDING_MODEL unset: the server's rules (index-upgrade.ts).
    // Shared stores keep local-hash-384, which Workers can embed with; an own .data is re-embedded.
    const built = await vectors.info().catch(() => null);
    if (built && built.model !== providers.embedder.model && !(opts.reembed && paths.length === 0)) {
      const plan = planIndexUpgrade({ choice: providers.embedding, built, shared: Boolean(opts.target || config.QDRANT_URL) });
      if (plan === 'follow-hashed') {
        providers = selectProviders({ ...config, EMBEDDING_MODEL: LOCAL_EMBEDDING_MODEL }, { log });
        process.stderr.write(`${followMessage(built, MINILM_MODEL)}\n`);
      } else if (plan === 'reembed') {
        process.stderr.write(`the index was built by ${built.model}: re-embedding what is stored with ${providers.embedder.model} first\n`);
        const done = await reembedStored({ db: stores.db, vectors, embedder: providers.embedder }, { onProgress: (d, t) => progress.on({ type: 'embed', done: d, total: t }) });
        progress.stop();
        process.stderr.write(`re-embedded ${done.chunks} chunks in ${(done.ms / 1000).toFixed(2)} s\n`);
      }
    }
    const objects = await openObjectStore({ ...config, DATA_DIR: opts.dataDir }, log);
    if (opts.fromOriginals) return await ingestOriginals(opts, { db: stores.db, vectors, embedder: providers.embedder, log }, objects, progress);
    if (paths.length === 0) {
      const done = await reembedStored({ db: stores.db, vectors, embedder: providers.embedder }, { onProgress: (d, t) => progress.on({ type: 'embed', done: d, total: t }) });
      progress.stop();
      process.stdout.write(`re-embedded ${done.chunks} chunks of ${done.documents} documents in ${done.sites} sites with ${providers.embedder.model} in ${(done.ms / 1000).toFixed(2)} s\n`);
      return 0;
    }
    const summary = await ingest(
      { db: stores.db, vectors, embedder: providers.embedder, ...(objects ? { objects, log } : {}) },
      { siteId: opts.site, paths, prune: opts.prune, reembed: opts.reembed, createSite: opts.createSite || opts.site === DEMO_SITE, onProgress: progress.on },
    );
    progress.stop();
    process.stdout.write(formatSummary(summary) + '\n');
    return summary.failed.length ? 1 : 0;
  } catch (e) {
    progress.stop();
    if (e instanceof IngestConfigError || e instanceof IndexMismatchError) return configError(e.message);
    throw e;
  } finally {
    await stores.close();
  }
}

/** The site's kept originals, fetched into a folder and ingested from there with their own sources. */
async function ingestOriginals(opts: CliOptions, deps: IngestDeps, objects: ObjectStore | undefined, progress: ReturnType<typeof progressReporter>): Promise<number> {
  if (!objects) return configError('--from-originals needs an object store: S3_* settings, or a data directory (not in memory)');
  const dir = mkdtempSync(join(tmpdir(), 'originals-'));
  try {
    const files = await fetchOriginals(objects, opts.site, dir);
    if (files.length === 0) return configError(`no originals are kept for site "${opts.site}" in ${objects.name}`);
    process.stderr.write(`${files.length} originals from ${objects.name}\n`);
    const summary = await ingest(deps, { siteId: opts.site, paths: [], files, createSite: opts.createSite, onProgress: progress.on });
    progress.stop();
    process.stdout.write(formatSummary(summary) + '\n');
    return summary.failed.length ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What to ask the running server instead (README, "Admin API"). */
function whileRunning(opts: CliOptions, paths: string[]): string {
  const site = encodeURIComponent(opts.site);
  const base = `http://localhost:${process.env.PORT || 8787}/v1/admin/sites/${site}/documents`;
  const auth = '-H "Authorization: Bearer $ADMIN_TOKEN"';
  if (paths.length === 0) return `while it runs, re-embed a site's stored chunks through its admin API: curl -X POST ${auth} ${base}/reembed`;
  return (
    `while it runs, upload each file through its admin API (same formats, same pipeline): ` +
    `curl ${auth} -F file=@${paths[0]} -F source=${sourceOf(paths[0]!, process.cwd())} ${base}` +
    (paths.length > 1 || !/\.[^./\\]+$/.test(paths[0]!) ? ' (one file a request; folders are not taken)' : '')
  );
}

function configError(message: string): number {
  process.stderr.write(`ingest: ${message}\n`);
  return 2;
}

/** A bar on an interactive terminal; a line per file (and per embedding phase) otherwise. */
function progressReporter(): { on: (e: ProgressEvent) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    return {
      on: (e) => {
        if (e.type === 'done') return;
        if (e.type === 'embed' && e.done !== e.total && e.done !== 0) return;
        if (e.type === 'embed' && e.total === 0) return;
        process.stderr.write(describeProgress(e) + '\n');
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: '{phase} |{bar}| {value}/{total} {item}', stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    on: (e) => {
      if (e.type === 'start') {
        bar.start(e.files, 0, { phase: 'reading  ', item: '' });
        running = true;
      } else if (e.type === 'file') {
        bar.update(e.done, { item: e.ok ? e.file : `${e.file} (failed)` });
      } else if (e.type === 'embed') {
        if (e.done === 0) bar.setTotal(Math.max(e.total, 1));
        bar.update(e.total === 0 ? 1 : e.done, { phase: 'embedding', item: 'chunks' });
      }
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

runMain('ingest', main);
