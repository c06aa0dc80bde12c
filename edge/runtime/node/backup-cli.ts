/**
 * npm run backup -- <site> [--out FILE] [--to-store]
 * npm run restore -- <FILE | backups/… key in the object store>
 * A site's data (site, documents and their originals, products, orders, conversations,
 * tickets, feedback, agents, audit) as one .tar.gz, to disk or to the object store (S3_* when
 * set), and back into a database that does not have the site. Like the other store commands it
 * opens the stores itself: with the embedded database, stop `npm start` first.
 * Exit codes: 0 done, 1 no such site or file, 2 usage, a store that cannot be opened, or a refusal.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { consoleLogger } from '../../ops/logger';
import { selectProviders, selectVectorStore } from '../../wiring/providers';
import { BackupError, restoreBackup, writeBackup } from './backup';
import { parseCli, runMain } from './cli-parse';
import { NotFoundError, UsageError, withStores, type CliStores } from './cli-stores';
import { nodeLocalModels } from './local-models';
import { openObjectStore } from './objects';

const say = (s: string) => void process.stderr.write(`${s}\n`);

async function main(argv: string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let action: ((stores: CliStores) => Promise<void>) | undefined;
  const program = new Command().name('backup').description("A site's data as one archive, and back").showHelpAfterError();
  program
    .command('backup <site>')
    .description("write the site's archive (.tar.gz)")
    .option('--out <file>', 'where to write it (default backup-<site>-<time>.tar.gz here)')
    .option('--to-store', 'put it in the object store (S3 when S3_* are set) under backups/<site>/')
    .action((site: string, o: { out?: string; toStore?: boolean }) => void (action = (stores) => backup(stores, site, o)));
  program
    .command('restore <archive>')
    .description('restore an archive (a file, or a backups/… key in the object store) into a database without its site')
    .action((archive: string) => void (action = (stores) => restore(stores, archive)));

  const usage = parseCli(program, argv);
  if (usage !== null) return usage;
  if (!action) return program.help({ error: true }), 2;
  return withStores('backup', async (stores) => {
    try {
      await action!(stores);
    } catch (err) {
      if (err instanceof BackupError) throw new UsageError(err.message);
      throw err;
    }
  });
}

async function backup(stores: CliStores, site: string, o: { out?: string; toStore?: boolean }): Promise<void> {
  if (!(await stores.db.sites.get(site))) throw new NotFoundError(`there is no site "${site}"`);
  const objects = await openObjectStore(stores.config, consoleLogger({ level: 'warn' }));
  if (o.toStore && !objects) throw new UsageError('--to-store needs an object store (S3_* settings, or a data directory)');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const name = `backup-${site}-${stamp}.tar.gz`;
  const file = o.toStore ? join(mkdtempSync(join(tmpdir(), 'backup-out-')), name) : resolve(o.out ?? name);
  const manifest = await writeBackup({ db: stores.db, objects }, site, file);
  const size = statSync(file).size;
  const rows = Object.values(manifest.rows).reduce((a, b) => a + b, 0);
  if (o.toStore && objects) {
    const key = `backups/${encodeURIComponent(site)}/${name}`;
    await objects.put(key, readFileSync(file), 'application/gzip');
    rmSync(join(file, '..'), { recursive: true, force: true });
    process.stdout.write(`${key}\n`);
    say(`backup of site "${site}": ${rows} rows, ${manifest.originals.length} originals, ${(size / 1024).toFixed(0)} KB in ${objects.name}`);
  } else {
    process.stdout.write(`${file}\n`);
    say(`backup of site "${site}": ${rows} rows, ${manifest.originals.length} originals, ${(size / 1024).toFixed(0)} KB`);
  }
}

async function restore(stores: CliStores, archive: string): Promise<void> {
  const log = consoleLogger({ level: 'warn' });
  const objects = await openObjectStore(stores.config, log);
  let file = archive;
  let fetched: string | null = null;
  if (!existsSync(archive)) {
    if (!archive.startsWith('backups/') || !objects) throw new NotFoundError(`no such file: ${archive}`);
    const body = await objects.get(archive);
    if (!body) throw new NotFoundError(`no backup ${archive} in ${objects.name}`);
    fetched = mkdtempSync(join(tmpdir(), 'restore-in-'));
    file = join(fetched, basename(archive));
    writeFileSync(file, body);
  }
  try {
    // The server's embedder, as ingest uses: the restored chunks are embedded with it.
    const providers = selectProviders(stores.config, { log, localModels: nodeLocalModels() });
    await providers.ready();
    const vectors = selectVectorStore(stores.config, () => stores.vectors, { log });
    const done = await restoreBackup({ db: stores.db, vectors, embedder: providers.embedder, ...(objects ? { objects } : {}) }, file);
    const rows = Object.values(done.rows).reduce((a, b) => a + b, 0);
    process.stdout.write(`restored site "${done.manifest.site}" (backed up ${done.manifest.createdAt})\n`);
    say(`${rows} rows (${done.rows.conversations ?? 0} conversations, ${done.rows.messages ?? 0} messages, ${done.rows.tickets ?? 0} tickets, ${done.rows.documents ?? 0} documents), ${done.originals} originals, ${done.chunksEmbedded} chunks embedded with ${providers.embedder.model}`);
  } finally {
    if (fetched) rmSync(fetched, { recursive: true, force: true });
  }
}

runMain('backup', main);
