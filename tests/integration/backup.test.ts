/**
 * npm run backup / npm run restore as a user runs them: a site with documents (their originals
 * in S3, here s3rver speaking S3's REST protocol), conversations, an agent's reply, a ticket
 * and feedback is written to one archive, and restored into an empty database (originals onto
 * disk this time) gives the same rows, the same conversations, and a searchable index again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originalsPrefix, sourceOfOriginal, type SiteRows } from '../../edge/core/ports';
import { ingest } from '../../edge/ingest/run';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { openEmbeddedStores } from '../../edge/runtime/node/stores';
import { FileObjectStore } from '../../edge/stores/objects/files';
import { S3ObjectStore } from '../../edge/stores/objects/s3';
import { runCli } from '../servers/cli';
import { startS3, type S3Server } from '../servers/s3';

const work = mkdtempSync(join(tmpdir(), 'backup-it-'));
const A = join(work, 'a');
const B = join(work, 'b');
const C = join(work, 'c');
let s3: S3Server;
const BASE = { EMBEDDING_MODEL: 'local-hash-384' };
const cli = (env: Record<string, string>, ...args: string[]) => runCli('node', ['--import', 'tsx', 'edge/runtime/node/backup-cli.ts', ...args], 120_000, { ...BASE, ...env });

async function withStores<T>(dir: string, fn: (s: Awaited<ReturnType<typeof openEmbeddedStores>>) => Promise<T>): Promise<T> {
  const s = await openEmbeddedStores({ dataDir: dir });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Rows as comparable across databases: the messages' insertion counter is renumbered on restore. */
const comparable = (rows: SiteRows) => Object.fromEntries(Object.entries(rows).map(([t, list]) => [t, list.map(({ n: _n, ...r }) => r)]));

beforeAll(async () => {
  s3 = await startS3();
  const objects = new S3ObjectStore({ endpoint: s3.endpoint, bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  await withStores(A, async ({ db, vectors }) => {
    const summary = await ingest({ db, vectors, embedder: new LocalEmbedder(), objects }, { siteId: 'shop', paths: ['demo/data/docs', 'demo/data/faq.csv'], baseDir: 'demo/data', createSite: true });
    expect(summary.failed).toEqual([]);
    const at = (min: number) => new Date(Date.UTC(2026, 10, 20, 9, min));
    for (const [c, q, a] of [
      ['s_one', 'How long does shipping take?', 'Standard shipping takes 3 to 5 business days [1].'],
      ['s_two', 'My tent arrived torn', 'I am sorry to hear that. I have asked a person to help you.'],
    ] as const) {
      await db.conversations.create({ id: c, siteId: 'shop', locale: 'en' });
      await db.messages.add({ id: `m_${c}_1`, conversationId: c, role: 'user', clientId: 'q1', replyTo: null, text: q, intent: null, citations: [], confidence: null, createdAt: at(1) });
      await db.messages.add({
        id: `m_${c}_2`,
        conversationId: c,
        role: 'assistant',
        clientId: `a_${c}`,
        replyTo: 'q1',
        text: a,
        intent: 'shipping',
        citations: [{ n: 1, url: '/help/shipping', title: 'Shipping', snippet: 'Standard shipping…' }],
        confidence: 0.91,
        usage: { model: 'gpt-4o-mini', promptTokens: 410, completionTokens: 32, embeddingTokens: 8, costUsd: 0.00008 },
        createdAt: at(1),
      });
    }
    const ticket = await db.tickets.open({ id: 't_1', siteId: 'shop', conversationId: 's_two', reason: 'My tent arrived torn', priority: 'high' });
    expect(ticket.number).toBeGreaterThan(0);
    await db.messages.add({ id: 'm_s_two_3', conversationId: 's_two', role: 'agent', clientId: 'ag_1', replyTo: null, text: 'Cleo here: a new tent is on its way.', intent: null, citations: [], confidence: null, agentName: 'Cleo', createdAt: at(5) });
    await db.feedback.add({ conversationId: 's_one', answerId: 'a_s_one', rating: 'up', comment: 'quick' });
  });
}, 120_000);

afterAll(async () => {
  await s3?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('npm run backup / npm run restore', () => {
  let archive: string;

  it('writes one archive of the site: rows and originals', async () => {
    archive = join(work, 'shop.tar.gz');
    const out = await cli({ DATA_DIR: A, ...s3.env }, 'backup', 'shop', '--out', archive);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim()).toBe(archive);
    expect(out.stderr).toMatch(/backup of site "shop": \d+ rows, 6 originals/);
  });

  it('restores into an empty database: the same rows, the same conversations, the originals, a searchable index', async () => {
    const out = await cli({ DATA_DIR: B }, 'restore', archive);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/restored site "shop"/);
    expect(out.stderr).toMatch(/2 conversations, 5 messages, 1 tickets, 30 documents\), 6 originals, \d+ chunks embedded with local-hash-384/);

    const before = await withStores(A, ({ db }) => db.backup.dump('shop'));
    await withStores(B, async ({ db, vectors }) => {
      expect(comparable(await db.backup.dump('shop'))).toEqual(comparable(before));
      const transcript = (await db.messages.list('s_two')).map((m) => [m.role, m.text, m.agentName ?? null]);
      expect(transcript).toEqual([
        ['user', 'My tent arrived torn', null],
        ['assistant', 'I am sorry to hear that. I have asked a person to help you.', null],
        ['agent', 'Cleo here: a new tent is on its way.', 'Cleo'],
      ]);
      expect(await db.tickets.openFor('s_two')).toMatchObject({ id: 't_1', priority: 'high', reason: 'My tent arrived torn' });
      expect((await db.messages.stats('shop'))[0]).toMatchObject({ answers: 2, feedbackUp: 1, handoffs: 1 });
      // The vectors were embedded again: a shipping question finds the shipping page.
      const embedder = new LocalEmbedder();
      await vectors.ensure({ model: embedder.model, dimensions: embedder.dimensions });
      const [q] = await embedder.embed(['how long does delivery take'], 'query');
      const hits = await vectors.search('shop', q!, 3);
      const top = await db.chunks.get(hits.map((h) => h.chunkId));
      expect(top.map((c) => c.title).join(' | ')).toMatch(/shipping/i);
    });
    const originals = await new FileObjectStore(join(B, 'objects')).list(originalsPrefix('shop'));
    expect(originals.map(sourceOfOriginal)).toContain('docs/shipping.md');
    expect(originals).toHaveLength(6);
  }, 120_000);

  it('refuses to restore over a site that exists, and names the way out', async () => {
    const out = await cli({ DATA_DIR: B }, 'restore', archive);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/site "shop" already exists here.*npm run site -- delete shop --yes/);
  }, 60_000);

  it('goes through the object store: --to-store prints the key, restore takes it', async () => {
    const out = await cli({ DATA_DIR: A, ...s3.env }, 'backup', 'shop', '--to-store');
    expect(out.code, out.stderr).toBe(0);
    const key = out.stdout.trim();
    expect(key).toMatch(/^backups\/shop\/backup-shop-.*\.tar\.gz$/);
    const back = await cli({ DATA_DIR: C, ...s3.env }, 'restore', key);
    expect(back.code, back.stderr).toBe(0);
    expect(await withStores(C, async ({ db }) => (await db.messages.list('s_one')).length)).toBe(2);
  }, 120_000);

  it('says what is wrong with a file that is not a backup, or a site that does not exist', async () => {
    const bad = await cli({ DATA_DIR: join(work, 'd') }, 'restore', 'package.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/package.json is not a backup archive/);
    const none = await cli({ DATA_DIR: A }, 'backup', 'nobody');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/there is no site "nobody"/);
  }, 60_000);
});
