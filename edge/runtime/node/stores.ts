/**
 * The embedded stores for one Node process: PGlite (file-backed or in memory, on a worker
 * thread) holding both the relational tables and the pgvector index. PGlite is single-process, so a lock file keeps a
 * second process (an ingest run while the server is up) from opening the same directory.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Db, Logger } from '../../core/ports';
import type { Sealing } from '../../stores/db/create-db';
import { openPgliteThread } from '../../stores/db/pglite';
import type { PgliteClient } from '../../stores/db/pglite-thread';
import { jsTopK } from '../../stores/vectors/memory-index';
import { PgVectorStore, type PgVectorOptions } from '../../stores/vectors/pgvector';
import { nativeTopK } from './native-topk';

export interface EmbeddedStores {
  /** The database itself (on its own thread, as the server opens it). */
  pg: PgliteClient;
  db: Db;
  vectors: PgVectorStore;
  close(): Promise<void>;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the database in ${dir} is in use by process ${pid} (is the server running? stop it first; with POSTGRES_URL the commands work while it runs)`,
    );
    this.name = 'DataDirInUseError';
  }
}

export async function openEmbeddedStores({
  dataDir,
  vectorOptions,
  sealing,
  log,
}: {
  dataDir: string | null;
  vectorOptions?: PgVectorOptions;
  sealing?: Sealing;
  log?: Logger;
}): Promise<EmbeddedStores> {
  const dir = dataDir === null ? null : resolve(dataDir);
  if (dir !== null) mkdirSync(dir, { recursive: true });
  const release = dir === null ? () => {} : lockDataDir(dir);
  try {
    // A document deleted through the Db takes its vectors by cascade: the store hears of it.
    let vectors: PgVectorStore | undefined;
    const { pg, db } = await openPgliteThread(dir, { sealing, chunksChanged: () => vectors?.chunksChanged() });
    // PGlite takes a blob for COPY: vectors load in binary. No other process writes to it while
    // this one runs (the lock), so searches can go to an exact index in memory (memory-index.ts).
    const native = nativeTopK();
    if ('error' in native) log?.warn('vector search scans in JS (the native scan did not load; ~25× slower)', { error: native.error });
    vectors = new PgVectorStore(pg, {
      ...vectorOptions,
      binaryCopy: true,
      memoryIndex: {
        topK: 'topK' in native ? native.topK : jsTopK,
        onLoaded: (siteId, count, ms) => log?.info('vector index loaded', { site: siteId, vectors: count, ms }),
      },
    });
    let closing: Promise<void> | null = null;
    return {
      pg,
      db,
      vectors,
      close: () => (closing ??= db.close().finally(release)),
    };
  } catch (err) {
    release();
    throw err;
  }
}

/** Takes `dir/.lock` for this process; returns its release. A lock left by a dead process is taken over. */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, '.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        // Only remove our own lock: a stale-lock takeover may have replaced it.
        if (readPid(file) === process.pid) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readPid(file);
    if (holder !== null && isAlive(holder)) throw new DataDirInUseError(dir, holder);
    if (holder === null && ageMs(file) < 5000) {
      throw new Error(`the database in ${dir} is being opened by another process; try again`);
    }
    // Stale (its process is gone) or unreadable and old (a writer died mid-write): take it over.
    rmSync(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}`);
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
