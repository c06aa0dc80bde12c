/**
 * A site's originals, fetched from the object store into a folder, each paired with the source
 * it was first ingested under, so the ordinary ingest runs over them and the documents keep
 * their identities: rebuilding an index from the originals is ingesting them again.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { originalsPrefix, sourceOfOriginal, type ObjectStore } from '../core/ports';
import type { FoundFile } from './walk';

export async function fetchOriginals(objects: ObjectStore, siteId: string, into: string): Promise<FoundFile[]> {
  const files: FoundFile[] = [];
  for (const key of await objects.list(originalsPrefix(siteId))) {
    const source = sourceOfOriginal(key);
    const body = await objects.get(key);
    if (!body) continue; // deleted since it was listed
    // Numbered, so two sources with one file name do not meet; the extension picks the parser.
    const path = join(into, `${files.length}-${basename(source)}`);
    writeFileSync(path, body);
    files.push({ path, source });
  }
  return files;
}
