/**
 * The original file of every ingested document goes to the object store, so a site's index can
 * be rebuilt from its originals (`npm run ingest -- --from-originals`) and a backup carries
 * them. Keeping one is never worth failing an ingest: a store that is down costs a warning.
 */
import { originalKey, type Logger, type ObjectStore } from '../core/ports';

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
