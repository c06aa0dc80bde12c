/**
 * The object store from the settings: S3 when S3_* are set, else files under DATA_DIR/objects
 * (in memory: none). An S3 that does not answer at start is logged, not fatal: originals are
 * a copy, and ingesting goes on without them (each file says so).
 */
import { join } from 'node:path';
import type { Config } from '../../config/schema';
import type { Logger, ObjectStore } from '../../core/ports';
import { FileObjectStore } from '../../stores/objects/files';
import { S3ObjectStore } from '../../stores/objects/s3';

export function s3From(config: Config): S3ObjectStore | null {
  const { S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = config;
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) return null;
  return new S3ObjectStore({ endpoint, bucket, accessKeyId, secretAccessKey, ...(config.S3_REGION ? { region: config.S3_REGION } : {}) });
}

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
