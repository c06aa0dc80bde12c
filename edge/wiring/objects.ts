/** S3 from the settings, on either runtime (aws4fetch is plain fetch); null when S3_* are unset. */
import type { Config } from '../config/schema';
import { S3ObjectStore } from '../stores/objects/s3';

export function s3From(config: Config): S3ObjectStore | null {
  const { S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = config;
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) return null;
  return new S3ObjectStore({ endpoint, bucket, accessKeyId, secretAccessKey, ...(config.S3_REGION ? { region: config.S3_REGION } : {}) });
}
