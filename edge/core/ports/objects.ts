/**
 * Files kept whole, by key: the original of every ingested document (so an index can be rebuilt
 * from them, and a backup carries them). S3 or any S3-compatible server (MinIO, R2's S3 API), an
 * R2 binding on Workers, or files under DATA_DIR.
 */
export interface ObjectStore {
  /** For logs: "s3 bucket at host", "files under .data/objects". */
  readonly name: string;
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  /** null when there is no such object. */
  get(key: string): Promise<Uint8Array | null>;
  /** Deleting what is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Every key under `prefix`, in key order. */
  list(prefix: string): Promise<string[]>;
}

/** Keys are `/`-separated segments of `[A-Za-z0-9._%-]`, none `.` or `..`: safe as S3 keys and as paths. */
export function checkKey(key: string): string {
  const segments = key.split('/');
  if (!segments.every((s) => /^[\w.%-]+$/.test(s) && s !== '.' && s !== '..')) throw new Error(`not an object key: ${JSON.stringify(key)}`);
  return key;
}

/** Where a site's original file for `source` (a path relative to the ingested folder) is kept. */
export function originalKey(siteId: string, source: string): string {
  return checkKey(`sites/${encodeURIComponent(siteId)}/originals/${encodeURIComponent(source)}`);
}

export function originalsPrefix(siteId: string): string {
  return `sites/${encodeURIComponent(siteId)}/originals/`;
}

/** The source a key from `originalsPrefix` names. */
export function sourceOfOriginal(key: string): string {
  return decodeURIComponent(key.slice(key.lastIndexOf('/') + 1));
}
