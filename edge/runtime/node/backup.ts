/**
 * One portable archive per site (`.tar.gz`): its rows table by table (JSON Lines), the originals
 * of its documents, and a manifest saying what is inside. Restoring writes the rows into a
 * database that does not have the site, puts the originals back, and embeds the chunks with the
 * restoring server's embedder (vectors depend on the model, so they are rebuilt, not carried).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { originalKey, originalsPrefix, sourceOfOriginal, type Db, type Embedder, type ObjectStore, type SiteRows, type VectorStore } from '../../core/ports';
import { reembedSite } from '../../ingest/reembed-site';

export const BACKUP_FORMAT = 'support-chat-backup';
export const BACKUP_VERSION = 1;

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  site: string;
  createdAt: string;
  rows: Record<string, number>;
  /** The sources whose original files are in `originals/`, in file order. */
  originals: string[];
}

export class BackupError extends Error {}

/** Writes the site's archive to `file`; the manifest tells what went in. */
export async function writeBackup(deps: { db: Db; objects?: ObjectStore }, siteId: string, file: string): Promise<Manifest> {
  if (!(await deps.db.sites.get(siteId))) throw new BackupError(`there is no site "${siteId}"`);
  const dir = mkdtempSync(join(tmpdir(), 'backup-'));
  try {
    const rows = await deps.db.backup.dump(siteId);
    mkdirSync(join(dir, 'tables'));
    for (const [table, list] of Object.entries(rows)) writeFileSync(join(dir, 'tables', `${table}.jsonl`), list.map((r) => JSON.stringify(r) + '\n').join(''));
    mkdirSync(join(dir, 'originals'));
    const originals: string[] = [];
    for (const key of deps.objects ? await deps.objects.list(originalsPrefix(siteId)) : []) {
      const body = await deps.objects!.get(key);
      if (!body) continue;
      // Numbered names: sources may hold any character; the manifest maps them back.
      writeFileSync(join(dir, 'originals', String(originals.length)), body);
      originals.push(sourceOfOriginal(key));
    }
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      site: siteId,
      createdAt: new Date().toISOString(),
      rows: Object.fromEntries(Object.entries(rows).map(([t, l]) => [t, l.length])),
      originals,
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await tar.c({ gzip: true, file, cwd: dir, portable: true }, ['manifest.json', 'tables', 'originals']);
    return manifest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Restored {
  manifest: Manifest;
  rows: Record<string, number>;
  originals: number;
  chunksEmbedded: number;
}

/** Restores `file` into a database where its site does not exist. */
export async function restoreBackup(deps: { db: Db; vectors: VectorStore; embedder: Embedder; objects?: ObjectStore }, file: string): Promise<Restored> {
  const dir = mkdtempSync(join(tmpdir(), 'restore-'));
  try {
    await tar.x({ file, cwd: dir, strict: true }).catch((err: Error) => {
      throw new BackupError(`${file} is not a backup archive (${err.message})`);
    });
    const manifest = readManifest(dir);
    if (await deps.db.sites.get(manifest.site)) {
      throw new BackupError(`site "${manifest.site}" already exists here: restore into a database without it (or delete it first: npm run site -- delete ${manifest.site} --yes)`);
    }
    const rows: SiteRows = {};
    for (const name of readdirSync(join(dir, 'tables'))) {
      const text = readFileSync(join(dir, 'tables', name), 'utf8');
      rows[name.replace(/\.jsonl$/, '')] = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    }
    const counts = await deps.db.backup.restore(rows);
    let originals = 0;
    if (deps.objects) {
      for (const [i, source] of manifest.originals.entries()) {
        await deps.objects.put(originalKey(manifest.site, source), readFileSync(join(dir, 'originals', String(i))));
        originals++;
      }
    }
    const embedded = await reembedSite(deps, manifest.site);
    return { manifest, rows: counts, originals, chunksEmbedded: embedded.chunks };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readManifest(dir: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new BackupError('the archive has no readable manifest.json: not a support-chat backup');
  }
  if (m.format !== BACKUP_FORMAT) throw new BackupError(`the archive's format is "${String(m.format)}", not ${BACKUP_FORMAT}`);
  if (m.version > BACKUP_VERSION) throw new BackupError(`the archive is version ${m.version}; this server reads up to ${BACKUP_VERSION}: upgrade it first`);
  return m;
}
