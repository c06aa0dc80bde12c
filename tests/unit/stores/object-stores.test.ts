/**
 * The object stores behind one contract: S3 (against s3rver, a local server speaking S3's REST
 * protocol and checking SigV4 signatures) and files under a folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originalKey, originalsPrefix, sourceOfOriginal, type ObjectStore } from '../../../edge/core/ports';
import { FileObjectStore } from '../../../edge/stores/objects/files';
import { S3Error, S3ObjectStore } from '../../../edge/stores/objects/s3';
import { startS3, type S3Server } from '../../servers/s3';

let s3: S3Server;
const dir = mkdtempSync(join(tmpdir(), 'objects-'));
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

const stores: [string, () => ObjectStore][] = [
  ['S3 (s3rver, S3 REST protocol)', () => new S3ObjectStore({ endpoint: s3.endpoint, bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey })],
  ['files under a folder', () => new FileObjectStore(join(dir, 'objects'))],
];

describe.each(stores)('object store: %s', (_, make) => {
  it('puts, gets, lists by prefix in key order, and deletes', async () => {
    const store = make();
    const site = 'acme shop';
    const sources = ['help/returns.md', 'faq.csv', 'b/ä ü?#.md'];
    for (const s of sources) await store.put(originalKey(site, s), bytes(`content of ${s}`), 'text/markdown');
    await store.put(originalKey('other', 'faq.csv'), bytes('other site'));
    const keys = await store.list(originalsPrefix(site));
    expect(keys.map(sourceOfOriginal).sort()).toEqual([...sources].sort());
    expect(keys).toEqual([...keys].sort());
    expect(text(await store.get(originalKey(site, 'b/ä ü?#.md')))).toBe('content of b/ä ü?#.md');
    await store.put(originalKey(site, 'faq.csv'), bytes('replaced'));
    expect(text(await store.get(originalKey(site, 'faq.csv')))).toBe('replaced');
    await store.delete(originalKey(site, 'faq.csv'));
    expect(await store.get(originalKey(site, 'faq.csv'))).toBeNull();
    await store.delete(originalKey(site, 'never there'));
    expect((await store.list(originalsPrefix(site))).length).toBe(2);
  });

  it('keeps binary bytes exactly', async () => {
    const store = make();
    const blob = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    await store.put('sites/x/originals/blob.bin', blob);
    expect(Buffer.from((await store.get('sites/x/originals/blob.bin'))!).equals(Buffer.from(blob))).toBe(true);
  });

  it('refuses keys that could leave the store (.., empty segments)', async () => {
    const store = make();
    await expect(store.put('sites/../../etc/passwd', bytes('x'))).rejects.toThrow(/not an object key/);
    await expect(store.get('a//b')).rejects.toThrow(/not an object key/);
  });
});

describe('S3 errors and pages', () => {
  it('a missing bucket is an S3Error naming the S3 code; a server that does not answer fails within the timeout', async () => {
    const missing = new S3ObjectStore({ endpoint: s3.endpoint, bucket: 'no-such-bucket', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await expect(missing.check()).rejects.toThrow(S3Error);
    await expect(missing.check()).rejects.toThrow(/404 NoSuchBucket/);
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const hung = new S3ObjectStore({ endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, bucket: 'b', accessKeyId: 'k', secretAccessKey: 's', timeoutMs: 300 });
    const began = Date.now();
    await expect(hung.get('a/b')).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - began).toBeLessThan(5000);
    silent.closeAllConnections();
    silent.close();
  });

  it('lists past one page with the continuation token, and signs every request (SigV4)', async () => {
    const seen: Request[] = [];
    const page = (keys: string[], next?: string) =>
      `<?xml version="1.0"?><ListBucketResult><IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${keys.map((k) => `<Contents><Key>${k}</Key></Contents>`).join('')}${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}</ListBucketResult>`;
    const fake = (async (req: Request) => {
      seen.push(req);
      const token = new URL(req.url).searchParams.get('continuation-token');
      return new Response(token === 'p2&more' ? page(['p/c']) : page(['p/a', 'p/b&amp;x'], 'p2&amp;more'));
    }) as typeof fetch;
    const store = new S3ObjectStore({ endpoint: 'https://s3.example.test', bucket: 'b', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', region: 'eu-west-1', fetch: fake });
    expect(await store.list('p/')).toEqual(['p/a', 'p/b&x', 'p/c']);
    expect(seen).toHaveLength(2);
    for (const req of seen) expect(req.headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/);
  });
});
