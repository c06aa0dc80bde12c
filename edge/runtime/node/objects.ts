/**
 * The object store from the settings: S3 when S3_* are set, else files under DATA_DIR/objects
 * (in memory: none). An S3 that does not answer at start is logged, not fatal: originals are
 * a copy, and ingesting goes on without them (each file says so).
 */
import { join } from 'node:path';
import type { Config } from '../../config/schema';
import type { Logger, ObjectStore } from '../../core/ports';
import { FileObjectStore } from '../../stores/objects/files';
import { s3From } from '../../wiring/objects';

export async function openObjectStore(config: Config, log: Logger, opts: { inMemory?: boolean } = {}): Promise<ObjectStore | undefined> {
  const s3 = s3From(config);
  if (s3) {
    await s3.check().then(
      () => log.info(`objects    ${s3.name}`),
      (err) => log.error(`objects    ${s3.name} does not answer (${err instanceof Error ? err.message : String(err)}): originals are not kept until it does`),
    );
    return s3;
  }
  if (opts.inMemory) return undefined;
  const files = new FileObjectStore(join(config.DATA_DIR, 'objects'));
  log.info(`objects    ${files.name}`);
  return files;
}
