/**
 * What lets an ingest skip a file unread (edge/ingest/file-memo.ts): its metadata key, trusted
 * only when the file last changed long enough ago, and, through ingest(), that a remembered
 * file is not read again while one whose metadata moved is.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type Mock } from 'vitest';
import { documentsDigest, fileSettings, hashFile, statKey } from '../../../edge/ingest/file-memo';
import { ingest } from '../../../edge/ingest/run';
import { LocalEmbedder } from '../../../edge/providers/embeddings/local';
import { openEmbeddedStores } from '../../../edge/runtime/node/stores';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return { ...fs, readFileSync: vi.fn(fs.readFileSync) };
});

const settings = fileSettings({ maxTokens: 350, overlapTokens: 50 }, { model: 'local-hash-384', dimensions: 384 });
const s = 1_000_000_000n;
const file = { size: 120n, mtimeNs: 1_000n * s, ctimeNs: 1_000n * s, ino: 77n, dev: 3n };
const atSecond = (n: number) => n * 1000;

describe('file memo', () => {
  it('keys a file by its size, times, inode and the settings it was read under', () => {
    const key = statKey(file, settings, atSecond(1_010));
    expect(key).toMatch(/^[0-9a-f]{16}:120:/);
    expect(statKey(file, settings, atSecond(2_000))).toBe(key);
    for (const changed of [{ size: 121n }, { mtimeNs: file.mtimeNs + 1n }, { ctimeNs: file.ctimeNs + 1n }, { ino: 78n }, { dev: 4n }]) {
      expect(statKey({ ...file, ...changed }, settings, atSecond(1_010))).not.toBe(key);
    }
    const other = fileSettings({ maxTokens: 200, overlapTokens: 50 }, { model: 'local-hash-384', dimensions: 384 });
    expect(statKey(file, other, atSecond(1_010))).not.toBe(key);
  });

  it('trusts no key for a file changed within 2 s (a later change could keep its times), or in the future', () => {
    expect(statKey(file, settings, atSecond(1_001))).toBeNull();
    expect(statKey({ ...file, mtimeNs: 999n * s }, settings, atSecond(1_001))).toBeNull();
    expect(statKey({ ...file, ctimeNs: 999n * s }, settings, atSecond(1_001))).toBeNull();
    expect(statKey(file, settings, atSecond(999))).toBeNull();
    expect(statKey(file, settings, atSecond(1_002) + 1)).not.toBeNull();
  });

  it('hashes bytes with the settings; digests documents whatever their order', () => {
    const bytes = new TextEncoder().encode('# Returns\n\n30 days.');
    expect(hashFile(bytes, settings)).toBe(hashFile(Uint8Array.from(bytes), settings));
    expect(hashFile(bytes, settings)).not.toBe(hashFile(bytes, fileSettings({ maxTokens: 350, overlapTokens: 50 }, { model: 'other', dimensions: 384 })));
    expect(documentsDigest([['a#1', 'h1'], ['a#2', 'h2']])).toBe(documentsDigest([['a#2', 'h2'], ['a#1', 'h1']]));
    expect(documentsDigest([['a#1', 'h1']])).not.toBe(documentsDigest([['a#1', 'h2']]));
  });
});

describe('ingest with remembered files', () => {
  let stores: Awaited<ReturnType<typeof openEmbeddedStores>>;
  let dir: string;
  /** Just after the files were written: the clock the test runs on, whatever the machine's load. */
  let copiedAt: number;
  beforeAll(async () => {
    stores = await openEmbeddedStores({ dataDir: null });
    dir = mkdtempSync(join(tmpdir(), 'file-memo-'));
    cpSync('demo/data', dir, { recursive: true });
    copiedAt = Date.now();
  });
  afterAll(async () => {
    await stores?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const run = () => ingest({ ...stores, embedder: new LocalEmbedder() }, { siteId: 'memo', paths: [dir], baseDir: dir, createSite: true });
  const readsDuring = async (f: () => Promise<unknown>) => {
    const spy = readFileSync as unknown as Mock;
    spy.mockClear();
    await f();
    return spy.mock.calls.map((c) => String(c[0])).filter((p) => p.startsWith(dir)).map((p) => p.slice(dir.length + 1)).sort();
  };

  it('does not read a file again while its metadata is the same, and reads it once that moves', async () => {
    // The clock stands just after the copy: on a loaded machine two runs can take longer than
    // the 2 s a file must be left alone before its metadata is trusted (it failed so once).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(copiedAt);
    const first = await run();
    // The files were just written: their metadata is not trusted yet, so they are read again.
    expect(await readsDuring(run)).toHaveLength(8);
    // Seconds later (only the clock files' times are compared with moves ahead).
    vi.setSystemTime(copiedAt + 3_000);
    expect(await readsDuring(run)).toHaveLength(8); // reads them once more, now remembering their metadata
    // Files of documents alone are known by their metadata; products and orders are read every time.
    expect(await readsDuring(run)).toEqual(['orders.json', 'products.csv']);
    const path = join(dir, 'docs/shipping.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('Bozeman', 'Bozemon'));
    let summary = first;
    expect(await readsDuring(async () => (summary = await run()))).toEqual(['docs/shipping.md', 'orders.json', 'products.csv']);
    expect(summary.documents).toMatchObject({ updated: 1, added: 0, removed: 0, unchanged: first.documents.added - 1 });
  });
});
