/**
 * Objects in S3 or an S3-compatible server (MinIO, Ceph, R2's S3 API), signed with SigV4 by
 * aws4fetch: plain fetch, so the same code runs on Node and Workers, and the AWS SDK's weight
 * stays out. Path-style URLs (`endpoint/bucket/key`), which every S3-compatible server accepts.
 */
import { AwsClient } from 'aws4fetch';
import { checkKey, type ObjectStore } from '../../core/ports';

export interface S3Settings {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  fetch?: typeof fetch;
  /** Each request's limit; a hung server fails the call instead of holding it. */
  timeoutMs?: number;
}

export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    what: string,
  ) {
    super(`S3 ${what}: ${status} ${code}`);
  }
}

export class S3ObjectStore implements ObjectStore {
  readonly name: string;
  private readonly client: AwsClient;
  private readonly base: string;

  constructor(private readonly s: S3Settings) {
    this.client = new AwsClient({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, service: 's3', region: s.region ?? 'us-east-1' });
    this.base = `${s.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(s.bucket)}`;
    this.name = `s3 bucket ${s.bucket} at ${new URL(s.endpoint).host}`;
  }

  async put(key: string, body: Uint8Array, contentType = 'application/octet-stream'): Promise<void> {
    await this.call('PUT', this.url(key), `put ${key}`, { body: body as unknown as BodyInit, headers: { 'content-type': contentType } });
  }

  async get(key: string): Promise<Uint8Array | null> {
    const res = await this.call('GET', this.url(key), `get ${key}`, {}, [404]);
    return res.status === 404 ? null : new Uint8Array(await res.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    await this.call('DELETE', this.url(key), `delete ${key}`, {}, [404]);
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
      const xml = await (await this.call('GET', `${this.base}?${q}`, `list ${prefix}`, {})).text();
      for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(unescapeXml(m[1]!));
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? unescapeXml(/<NextContinuationToken>([^<]*)</.exec(xml)?.[1] ?? '') || undefined : undefined;
    } while (token);
    return keys.sort();
  }

  /** Whether the bucket answers: at start, so a wrong name or key is told once, clearly. */
  async check(): Promise<void> {
    // HEAD bucket: an answer without a body, so a missing bucket is a bare 404.
    const res = await this.call('HEAD', this.base, 'open the bucket', {}, [403, 404]);
    if (res.status === 404) throw new S3Error(404, 'NoSuchBucket', `open the bucket ${this.s.bucket}`);
    if (res.status === 403) throw new S3Error(403, 'AccessDenied', `open the bucket ${this.s.bucket}`);
  }

  /** Each segment encoded once more: our keys hold `%`, which S3 must store, not decode. */
  private url(key: string): string {
    return `${this.base}/${checkKey(key).split('/').map(encodeURIComponent).join('/')}`;
  }

  private async call(method: string, url: string, what: string, init: RequestInit, allowed: number[] = []): Promise<Response> {
    const signed = await this.client.sign(url, { ...init, method });
    const res = await (this.s.fetch ?? fetch)(signed, { signal: AbortSignal.timeout(this.s.timeoutMs ?? 30_000) });
    if (res.ok || allowed.includes(res.status)) return res;
    const body = await res.text().catch(() => '');
    throw new S3Error(res.status, /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? res.statusText, what);
  }
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}
