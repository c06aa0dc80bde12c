/**
 * What lets an ingest skip a file it read before (Db.ingestedFiles): the hash of its bytes with
 * everything else that shapes its documents, its size, times and inode (so that an unchanged
 * file is not even read), and a digest of the documents it gave. Node-only (node:crypto, the
 * parsing libraries' package.json), as the folder ingest is.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, type BigIntStats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { IndexInfo } from '../core/ports';
import { CHUNKER_VERSION } from './hash';

/**
 * Bump when a parser's output for the same bytes changes (as CHUNKER_VERSION for the chunker):
 * remembered files are then read again. The parsing libraries' versions count as well.
 */
const PARSER_VERSION = 1;
const PARSING_LIBRARIES = ['marked', 'node-html-parser', 'csv-parse', 'zod'];

/** Everything besides a file's bytes that shapes the documents and chunks it gives, and a short tag of it. */
export interface FileSettings {
  text: string;
  tag: string;
}

export function fileSettings(chunking: { maxTokens: number; overlapTokens: number }, info: IndexInfo): FileSettings {
  const text = JSON.stringify([PARSER_VERSION, CHUNKER_VERSION, libraryVersions(), chunking.maxTokens, chunking.overlapTokens, info.model, info.dimensions]);
  return { text, tag: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}

/** The file's bytes with its settings: equal hashes, equal documents. */
export function hashFile(bytes: Uint8Array, settings: FileSettings): string {
  return createHash('sha256').update(settings.text).update('\0').update(bytes).digest('hex');
}

/** The documents a file gave, as (source, content hash) pairs, in one string to compare. */
export function documentsDigest(pairs: [string, string][]): string {
  const sorted = [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

let versions: string[] | null = null;
/** The installed version of each parsing library (from its package.json, found from its entry point). */
function libraryVersions(): string[] {
  if (versions) return versions;
  const require = createRequire(import.meta.url);
  versions = PARSING_LIBRARIES.map((name) => {
    try {
      for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
        const file = join(dir, 'package.json');
        if (!existsSync(file)) continue;
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return `${name}@${pkg.version}`;
      }
    } catch {
      // Not resolvable here: its name alone.
    }
    return name;
  });
  return versions;
}

/**
 * A file's changes shorter than this apart may share a timestamp (FAT keeps 2 s, HFS+ 1 s): a
 * file changed more recently than this when looked at is read again next time.
 */
const RACY_NS = 2_000_000_000n;

/**
 * The file as its metadata shows it (size, times, inode) with the settings it was read under;
 * null when it changed too recently for a later change to be sure to show (as git's racily
 * clean entries). A write always moves ctime, which no tool sets back.
 */
export function statKey(
  s: Pick<BigIntStats, 'size' | 'mtimeNs' | 'ctimeNs' | 'ino' | 'dev'>,
  settings: FileSettings,
  nowMs = Date.now(),
): string | null {
  const now = BigInt(nowMs) * 1_000_000n;
  if (now - s.ctimeNs < RACY_NS || now - s.mtimeNs < RACY_NS) return null;
  return `${settings.tag}:${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}:${s.dev}`;
}
