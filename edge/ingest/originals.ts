/**
 * The original file of every ingested document goes to the object store, so a site's index can
 * be rebuilt from its originals (`npm run ingest -- --from-originals`) and a backup carries
 * them. Keeping one is never worth failing an ingest: a store that is down costs a warning.
 */
import { originalKey, originalsPrefix, sourceOfOriginal, type Logger, type ObjectStore } from '../core/ports';

const TYPES: Record<string, string> = { md: 'text/markdown', markdown: 'text/markdown', html: 'text/html', htm: 'text/html', txt: 'text/plain', json: 'application/json', csv: 'text/csv' };

/**
 * A warning to report when the original could not be kept; null when kept, or when it is not to
 * be kept: nowhere to keep it, or a file of orders (personal data, sealed at rest in the database,
 * so not kept beside it in the clear).
 */
export async function keepOriginal(
  objects: ObjectStore | undefined,
  siteId: string,
  file: { source: string; bytes: Uint8Array; orders: number },
  log?: Logger,
): Promise<string | null> {
  if (!objects || file.orders > 0) return null;
  const { source, bytes } = file;
  try {
    await objects.put(originalKey(siteId, source), bytes, TYPES[/\.([^.]+)$/.exec(source)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream');
    return null;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    log?.warn('ingest: original not kept', { source, store: objects.name, error: why });
    return `${source}: its original was not kept in ${objects.name} (${why}); the index has it`;
  }
}

/**
 * The file a document came from: its source, or the part before a `#` (a row, a SKU, a
 * section). A file's own name may hold `#` too, so when the files are known (`known`: a folder's
 * files, the originals in the store) the longest known prefix wins; else the first `#` cuts.
 */
export function fileOfSource(source: string, known?: ReadonlySet<string>): string {
  if (known?.has(source)) return source;
  if (known) {
    for (let i = source.lastIndexOf('#'); i > 0; i = source.lastIndexOf('#', i - 1)) {
      if (known.has(source.slice(0, i))) return source.slice(0, i);
    }
  }
  const hash = source.indexOf('#');
  return hash >= 0 ? source.slice(0, hash) : source;
}

/** The sources of a site's kept originals: what `fileOfSource` may match against. */
export async function keptOriginals(objects: ObjectStore | undefined, siteId: string): Promise<Set<string>> {
  if (!objects) return new Set();
  return new Set((await objects.list(originalsPrefix(siteId))).map(sourceOfOriginal));
}

/**
 * Deletes the originals of `files`, whose documents are all gone (a file pruned, a site's last
 * document of a file deleted): what was removed from the index is not kept either. Like keeping,
 * never worth failing the caller over: a warning to report, or null.
 */
export async function dropOriginals(objects: ObjectStore | undefined, siteId: string, files: Iterable<string>, log?: Logger): Promise<string | null> {
  if (!objects) return null;
  const failed: string[] = [];
  for (const source of new Set(files)) {
    try {
      await objects.delete(originalKey(siteId, source));
    } catch (err) {
      failed.push(source);
      log?.warn('original not deleted', { source, store: objects.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return failed.length ? `the originals of ${failed.join(', ')} could not be deleted from ${objects.name}; delete them there by hand` : null;
}

/** Every original a site has (the site is being deleted). */
export async function dropSiteOriginals(objects: ObjectStore | undefined, siteId: string, log?: Logger): Promise<string | null> {
  if (!objects) return null;
  try {
    return await dropOriginals(objects, siteId, (await objects.list(originalsPrefix(siteId))).map(sourceOfOriginal), log);
  } catch (err) {
    log?.warn('originals not listed for deletion', { site: siteId, store: objects.name, error: err instanceof Error ? err.message : String(err) });
    return `the originals of site "${siteId}" could not be listed in ${objects.name}; delete ${originalsPrefix(siteId)} there by hand`;
  }
}
