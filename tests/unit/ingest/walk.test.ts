import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFiles, isUnder, sourceOf } from '../../../edge/ingest/walk';
import { IngestConfigError } from '../../../edge/ingest/errors';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ingest-walk-'));
  for (const f of ['b.md', 'a.csv', 'notes.pdf', '.hidden.md', 'sub/c.html', 'sub/deeper/d.txt', 'sub/e.JSON', '.git/config.md']) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), 'x');
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('collectFiles', () => {
  it('walks folders recursively in a stable order, with sources relative to the base folder', async () => {
    const { files, skipped } = await collectFiles([root], root);
    expect(files.map((f) => f.source)).toEqual(['a.csv', 'b.md', 'sub/c.html', 'sub/deeper/d.txt', 'sub/e.JSON']);
    expect(files[0].path).toBe(join(root, 'a.csv'));
    expect(skipped).toEqual([
      { source: '.git', reason: 'hidden' },
      { source: '.hidden.md', reason: 'hidden' },
      { source: 'notes.pdf', reason: expect.stringContaining('not a supported type') },
    ]);
  });

  it('gives a file the same source whether named alone or found in its folder', async () => {
    const alone = await collectFiles([join(root, 'sub/c.html'), join(root, 'sub')], root);
    expect(alone.files.map((f) => f.source)).toEqual(['sub/c.html', 'sub/deeper/d.txt', 'sub/e.JSON']);
  });

  it('refuses a missing path and an empty list with a config error', async () => {
    await expect(collectFiles([join(root, 'nope')], root)).rejects.toThrow(IngestConfigError);
    await expect(collectFiles([join(root, 'nope')], root)).rejects.toThrow(`path not found: ${join(root, 'nope')}`);
    await expect(collectFiles([], root)).rejects.toThrow('no file or folder');
  });

  it('keeps sources outside the base folder absolute, and tells which sources lie under a path', () => {
    expect(sourceOf('/elsewhere/x.md', root)).toBe('/elsewhere/x.md');
    expect(isUnder('sub/c.html', [join(root, 'sub')], root)).toBe(true);
    expect(isUnder('sub/c.html', [join(root, 'sub/c.html')], root)).toBe(true);
    expect(isUnder('subway/c.html', [join(root, 'sub')], root)).toBe(false);
    expect(isUnder('a.csv', [join(root, 'sub')], root)).toBe(false);
  });
});
