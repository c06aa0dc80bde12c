/** Objects in an R2 bucket through its Worker binding (wrangler.toml `[[r2_buckets]]`). */
import { checkKey, type ObjectStore } from '../../core/ports';

/** The part of workerd's R2Bucket this store uses. */
export interface R2BucketLike {
  put(key: string, value: Uint8Array, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  delete(key: string): Promise<void>;
  list(options: { prefix: string; cursor?: string }): Promise<{ objects: { key: string }[]; truncated: boolean; cursor?: string }>;
}

export class R2ObjectStore implements ObjectStore {
  readonly name: string;

  constructor(
    private readonly bucket: R2BucketLike,
    binding = 'ORIGINALS',
  ) {
    this.name = `R2 bucket (binding ${binding})`;
  }

  async put(key: string, body: Uint8Array, contentType = 'application/octet-stream'): Promise<void> {
    await this.bucket.put(checkKey(key), body, { httpMetadata: { contentType } });
  }

  async get(key: string): Promise<Uint8Array | null> {
    const obj = await this.bucket.get(checkKey(key));
    return obj ? new Uint8Array(await obj.arrayBuffer()) : null;
  }

  async delete(key: string): Promise<void> {
    await this.bucket.delete(checkKey(key));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
      keys.push(...page.objects.map((o) => o.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return keys.sort();
  }
}
