/**
 * Paths → the files to ingest, in a stable order, each with its `source`: the path relative to
 * `baseDir` in forward slashes (absolute when outside it), so the same file keeps the same
 * identity whichever folder or file the user names on the command line.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { IngestConfigError } from './errors';
import { parserFor, SUPPORTED_EXTENSIONS } from './parse';

export interface FoundFile {
  path: string;
  source: string;
}
export interface SkippedFile {
  source: string;
  reason: string;
}

export async function collectFiles(paths: string[], baseDir: string): Promise<{ files: FoundFile[]; skipped: SkippedFile[] }> {
  if (paths.length === 0) throw new IngestConfigError('no file or folder to ingest was given');
  const files = new Map<string, FoundFile>();
  const skipped: SkippedFile[] = [];
  const seenDirs = new Set<string>();

  const visitDir = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seenDirs.has(real)) return; // a symlink loop, or a folder named twice
    seenDirs.add(real);
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) {
        skipped.push({ source: sourceOf(path, baseDir), reason: 'hidden' });
        continue;
      }
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isDirectory());
      if (isDir) await visitDir(path);
      else addFile(path);
    }
  };

  const addFile = (path: string): void => {
    const source = sourceOf(path, baseDir);
    if (!parserFor(path)) skipped.push({ source, reason: `not a supported type (${SUPPORTED_EXTENSIONS.join(' ')})` });
    else files.set(resolve(path), { path: resolve(path), source });
  };

  for (const p of paths) {
    const info = await stat(p).catch(() => null);
    if (!info) throw new IngestConfigError(`path not found: ${p}`);
    if (info.isDirectory()) await visitDir(resolve(p));
    else if (info.isFile()) addFile(p);
    else throw new IngestConfigError(`not a file or folder: ${p}`);
  }
  return { files: [...files.values()], skipped };
}

export function sourceOf(path: string, baseDir: string): string {
  const abs = resolve(path);
  const rel = relative(resolve(baseDir), abs);
  const inside = rel && !rel.startsWith('..') && !isAbsolute(rel);
  return (inside ? rel : abs).split(sep).join('/');
}

/** Whether the file a source names lies within one of `paths` (files or folders). */
export function isUnder(source: string, paths: string[], baseDir: string): boolean {
  const abs = resolve(baseDir, source);
  return paths.some((p) => {
    const root = resolve(p);
    return abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep);
  });
}
