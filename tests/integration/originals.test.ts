/**
 * The original of every ingested file is kept in the object store (S3, here s3rver: a local
 * server speaking S3's REST protocol), and a site's index can be rebuilt from its originals
 * alone: `npm run ingest -- --from-originals` into an empty data directory gives the same
 * documents. A store that is down costs a warning, never the ingest. Originals go with their
 * documents: a file pruned from the folder, a file's last document deleted through the admin
 * API, a site deleted.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originalKey, originalsPrefix, sourceOfOriginal, type ObjectStore } from '../../edge/core/ports';
import { deleteSite } from '../../edge/conversation/delete-site';
import { ingest } from '../../edge/ingest/run';
import { silentLogger } from '../../edge/ops/logger';
import { ingestUpload } from '../../edge/ingest/upload';
import { parseMarkdown } from '../../edge/ingest/parse/markdown';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { openEmbeddedStores } from '../../edge/runtime/node/stores';
import { MemorySessionStore } from '../../edge/stores/memory/session-store';
import { S3ObjectStore } from '../../edge/stores/objects/s3';
import { startTestServer } from '../helpers/server';
import { ingestCli, runCli, smallKnowledgeBase } from '../servers/cli';
import { startS3, type S3Server } from '../servers/s3';

let s3: S3Server;
let objects: S3ObjectStore;
let stores: Awaited<ReturnType<typeof openEmbeddedStores>>;
const work = mkdtempSync(join(tmpdir(), 'originals-'));
const embedder = new LocalEmbedder();

beforeAll(async () => {
  s3 = await startS3();
  objects = new S3ObjectStore({ endpoint: s3.endpoint, bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  stores = await openEmbeddedStores({ dataDir: null });
}, 60_000);
afterAll(async () => {
  await stores?.close();
  await s3?.stop();
  rmSync(work, { recursive: true, force: true });
});

const text = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : null);

describe('originals in S3 (s3rver, the S3 REST protocol)', () => {
  it('ingest keeps each parsed file byte for byte under the site', async () => {
    const summary = await ingest({ db: stores.db, vectors: stores.vectors, embedder, objects }, { siteId: 'orig-a', paths: ['demo/data'], baseDir: 'demo/data', createSite: true });
    expect(summary.failed).toEqual([]);
    expect(summary.warnings).toEqual([]);
    const keys = await objects.list(originalsPrefix('orig-a'));
    expect(keys.map(sourceOfOriginal).sort()).toEqual(expect.arrayContaining(['faq.csv', 'products.csv', 'docs/shipping.md']));
    // Orders are personal data, sealed in the database: their file is not kept in the clear.
    expect(keys.map(sourceOfOriginal)).not.toContain('orders.json');
    expect(keys).toHaveLength(summary.files - 1);
    expect(text(await objects.get(originalKey('orig-a', 'docs/shipping.md')))).toBe(readFileSync('demo/data/docs/shipping.md', 'utf8'));
  });

  it('an upload through the admin API path keeps its original too', async () => {
    const content = '# Gift wrap\n\nWe wrap any order for $5.\n';
    const summary = await ingestUpload({ db: stores.db, vectors: stores.vectors, embedder, objects }, 'orig-a', { source: 'help/gift-wrap.md', content, parser: parseMarkdown });
    expect(summary.documents.added).toBe(1);
    expect(summary.warning).toBeUndefined();
    expect(text(await objects.get(originalKey('orig-a', 'help/gift-wrap.md')))).toBe(content);
  });

  it('a store that is down: the ingest is done, and the summary says the originals were not kept', async () => {
    const down: ObjectStore = { name: 'a store that is down', put: () => Promise.reject(new Error('connect ECONNREFUSED')), get: async () => null, delete: async () => {}, list: async () => [] };
    const summary = await ingest({ db: stores.db, vectors: stores.vectors, embedder, objects: down }, { siteId: 'orig-c', paths: ['demo/data/docs'], baseDir: 'demo/data', createSite: true });
    expect(summary.failed).toEqual([]);
    expect(summary.documents.added).toBeGreaterThan(0);
    expect(summary.warnings.length).toBe(summary.files);
    expect(summary.warnings[0]).toMatch(/original was not kept in a store that is down \(connect ECONNREFUSED\)/);
  });
});

describe('originals go with their documents', () => {
  const kept = async (site: string) => (await objects.list(originalsPrefix(site))).map(sourceOfOriginal).sort();

  it('a file pruned from the folder loses its original; a site deleted loses them all', async () => {
    const dir = join(work, 'prune');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stays.md'), '# Stays\n\nThis page stays in the folder.\n');
    writeFileSync(join(dir, 'goes.md'), '# Goes\n\nThis page is taken out of the folder.\n');
    const deps = { db: stores.db, vectors: stores.vectors, embedder, objects };
    await ingest(deps, { siteId: 'orig-p', paths: [dir], baseDir: dir, createSite: true, prune: true });
    expect(await kept('orig-p')).toEqual(['goes.md', 'stays.md']);
    rmSync(join(dir, 'goes.md'));
    const summary = await ingest(deps, { siteId: 'orig-p', paths: [dir], baseDir: dir, prune: true });
    expect(summary.documents.removed).toBe(1);
    expect(summary.warnings).toEqual([]);
    expect(await kept('orig-p')).toEqual(['stays.md']);

    await objects.put(originalKey('orig-p2', 'other.md'), new TextEncoder().encode('# Another site'));
    const sessions = new MemorySessionStore({ clock: { now: () => Date.now() } });
    const done = await deleteSite({ ...stores, sessions, objects, log: silentLogger }, 'orig-p', { actor: 'test' });
    expect(done?.documents).toBe(1);
    expect(await kept('orig-p')).toEqual([]);
    // Another site's originals are not touched.
    expect(await kept('orig-p2')).toEqual(['other.md']);
  });

  it("through the admin API: deleting a file's last document deletes its original, not before", async () => {
    const server = await startTestServer({ ADMIN_TOKEN: 'admin-token-originals-0123', ...s3.env });
    try {
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${server.url}/v1/admin/sites/demo${path}`, {
          method,
          headers: { authorization: 'Bearer admin-token-originals-0123', 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const faqs = [
        { question: 'Do you wrap gifts?', answer: 'Yes, for $5 an order.' },
        { question: 'Can I add a card?', answer: 'Yes, a handwritten card is free.' },
      ];
      // A name with a '#' of its own: its documents' sources are cut after it, not at its first '#'.
      for (const source of ['gifts-api', 'gifts#2026']) {
        expect((await call('POST', '/documents', { source, faqs })).status).toBe(201);
        const before = await kept('demo');
        const original = before.find((k) => k.startsWith(source));
        expect(original, before.join(', ')).toBeDefined();
        const listed = (await (await call('GET', '/documents?limit=200')).json()) as { items: { id: string; source: string }[] };
        const mine = listed.items.filter((d) => d.source.startsWith(`${original}#`));
        expect(mine, listed.items.map((d) => d.source).join(', ')).toHaveLength(2);
        expect((await call('DELETE', `/documents/${mine[0]!.id}`)).status).toBe(200);
        expect(await kept('demo')).toContain(original);
        const last = await call('DELETE', `/documents/${mine[1]!.id}`);
        expect(await last.json()).not.toHaveProperty('warnings');
        expect(await kept('demo'), source).not.toContain(original);
        expect((await kept('demo')).length).toBe(before.length - 1);
      }
    } finally {
      await server.destroy();
    }
  }, 120_000);
});

describe('an object store that cannot list', () => {
  it('an admin delete keeps the original it cannot be sure of, logs it, and says so in a warning', async () => {
    const { createApp } = await import('../../edge/app');
    const { demoDeps } = await import('../helpers/deps');
    const built = await demoDeps({ ADMIN_TOKEN: 'admin-token-originals-0123' });
    const warned: { msg: string; fields: unknown }[] = [];
    // S3 itself (s3rver), but ListObjects refused, as a key without list permission is.
    const noList: ObjectStore = {
      name: 'S3 without list permission',
      put: (k, b, t) => objects.put(k, b, t),
      get: (k) => objects.get(k),
      delete: (k) => objects.delete(k),
      list: () => Promise.reject(new Error('AccessDenied: ListObjectsV2')),
    };
    const log = Object.create(built.deps.log, { warn: { value: (msg: string, fields?: unknown) => warned.push({ msg, fields }) } });
    const deps = { ...built.deps, objects: noList, log };
    const { app } = createApp(deps, { clientAddress: () => '127.0.0.1' });
    try {
      // Bodies without a length, as a chunked upload sends them: the body limit reads them whole
      // and hands the route a new request (which once lost the admin caller: a 500).
      const call = (method: string, path: string, body?: unknown) =>
        app.request(`/v1/admin/sites/demo${path}`, {
          method,
          headers: { authorization: 'Bearer admin-token-originals-0123', 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const posted = await call('POST', '/documents', { source: 'wrap#2026', faqs: [{ question: 'Do you wrap gifts?', answer: 'Yes, for $5 an order.' }] });
      expect(posted.status, await posted.clone().text()).toBe(201);
      const kept = async () => (await objects.list(originalsPrefix('demo'))).map(sourceOfOriginal);
      expect(await kept()).toContain('wrap#2026');
      const listed = (await (await call('GET', '/documents?limit=200')).json()) as { items: { id: string; source: string }[] };
      const mine = listed.items.filter((d) => d.source.startsWith('wrap#2026#'));
      expect(mine).toHaveLength(1);
      const res = await call('DELETE', `/documents/${mine[0]!.id}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { deleted: { id: string }; warnings?: string[] };
      expect(body.deleted.id).toBe(mine[0]!.id);
      expect(body.warnings).toEqual([expect.stringMatching(/could not be listed \(AccessDenied: ListObjectsV2\): the original of "wrap#2026#.*" was left there/)]);
      // Cut at its first '#', the file would have been "wrap": nothing of it was touched.
      expect(await kept()).toContain('wrap#2026');
      expect(warned).toEqual([expect.objectContaining({ msg: expect.stringMatching(/originals not listed/) })]);
      await objects.delete(originalKey('demo', 'wrap#2026'));
    } finally {
      await built.close();
    }
  }, 120_000);
});

describe('npm run ingest -- --from-originals', () => {
  it('rebuilds a site in an empty data directory from its originals alone: the same documents', async () => {
    const kb = smallKnowledgeBase();
    const env = { ...s3.env, EMBEDDING_MODEL: 'local-hash-384' };
    try {
      const first = await runCli('node', ['--import', 'tsx', 'ingest/cli.ts', '--site', 'kb', '--create-site', '--data-dir', join(work, 'one'), kb.dir], 90_000, env);
      expect(first.stderr).not.toMatch(/not kept/);
      expect(first.code, first.stderr).toBe(0);
      const added = /(\d+) added/.exec(first.stdout)?.[1];
      expect(Number(added)).toBeGreaterThan(1);
      kb.remove(); // only the originals are left

      const again = await runCli('node', ['--import', 'tsx', 'ingest/cli.ts', '--site', 'kb', '--create-site', '--from-originals', '--data-dir', join(work, 'two')], 90_000, env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/2 originals from s3 bucket support-chat/);
      expect(/(\d+) added/.exec(again.stdout)?.[1]).toBe(added);

      const docs = async (dir: string) => {
        const s = await openEmbeddedStores({ dataDir: dir });
        try {
          return (await s.db.documents.list('kb')).map((d) => [d.source, d.hash]).sort();
        } finally {
          await s.close();
        }
      };
      expect(await docs(join(work, 'two'))).toEqual(await docs(join(work, 'one')));
    } finally {
      kb.remove();
    }
  }, 180_000);

  it('says what is wrong: paths given with it, or nothing kept for the site', async () => {
    const both = await ingestCli('--from-originals', 'demo/data');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--from-originals takes no paths/);
    const none = await runCli('node', ['--import', 'tsx', 'ingest/cli.ts', '--site', 'nobody', '--create-site', '--from-originals', '--data-dir', join(work, 'three')], 90_000, { ...s3.env, EMBEDDING_MODEL: 'local-hash-384' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no originals are kept for site "nobody" in s3 bucket support-chat/);
  }, 120_000);
});
