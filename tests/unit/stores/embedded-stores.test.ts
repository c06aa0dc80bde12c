import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, openEmbeddedStores } from '../../../edge/runtime/node/stores';

const root = mkdtempSync(join(tmpdir(), 'stores-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openEmbeddedStores (file-backed)', () => {
  const dir = join(root, 'nested', 'data');

  it('creates the directory, keeps data across reopen, and locks while open', async () => {
    const first = await openEmbeddedStores({ dataDir: dir });
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(String(process.pid));
    // A second open while the first is live is refused with a clear message.
    const err = await openEmbeddedStores({ dataDir: dir }).catch((e) => e);
    expect(err).toBeInstanceOf(DataDirInUseError);
    expect(err.message).toBe(
      `the database in ${dir} is in use by process ${process.pid} (is the server running? stop it first; with POSTGRES_URL the commands work while it runs)`,
    );

    await first.db.sites.upsert({ id: 'shop', name: 'Shop', allowedOrigins: [] });
    const [chunk] = await first.db.documents.replace(
      { id: 'd1', siteId: 'shop', source: 'a.md', kind: 'faq', title: 'Returns', url: null, hash: 'h' },
      [{ kind: 'faq', ord: 0, title: 'Returns', url: null, content: 'Return within 30 days', tokens: 4 }],
    );
    await first.vectors.ensure({ model: 'm', dimensions: 3 });
    await first.vectors.upsert([{ chunkId: chunk.id, siteId: 'shop', documentId: 'd1', kind: 'faq', vector: Float32Array.of(1, 0, 0) }]);
    await first.close();
    await first.close(); // idempotent
    expect(existsSync(join(dir, '.lock'))).toBe(false);

    const second = await openEmbeddedStores({ dataDir: dir });
    try {
      expect(await second.db.sites.get('shop')).toEqual({ id: 'shop', name: 'Shop', allowedOrigins: [], publicKey: null, secretKey: null, settings: {} });
      expect((await second.db.chunks.textSearch('shop', 'return', 5))[0].chunkId).toBe(chunk.id);
      expect(await second.vectors.info()).toEqual({ model: 'm', dimensions: 3 });
      await second.vectors.ensure({ model: 'm', dimensions: 3 });
      expect((await second.vectors.search('shop', Float32Array.of(1, 0, 0), 1))[0].chunkId).toBe(chunk.id);
    } finally {
      await second.close();
    }
  });

  it('refuses a directory locked by another live process', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, '.lock'), String(other.pid));
      await expect(openEmbeddedStores({ dataDir: dir })).rejects.toThrow(`in use by process ${other.pid}`);
      expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill();
      rmSync(join(dir, '.lock'), { force: true });
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, '.lock'), String(gone));
    const stores = await openEmbeddedStores({ dataDir: dir });
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(String(process.pid));
    await stores.close();
  });
});

describe('openEmbeddedStores (in memory)', () => {
  it('needs no directory and takes no lock', async () => {
    const a = await openEmbeddedStores({ dataDir: null });
    await a.db.ping();
    expect(await a.vectors.info()).toBeNull();
    await a.close();
  });
});
