/** The ingest CLI as a user runs it: a child process over a data folder, on a fresh data dir. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let work: string;
let dataDir: string;
let shop: string;

function cli(...args: string[]) {
  const r = spawnSync('npx', ['tsx', 'ingest/cli.ts', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATA_DIR: '', POSTGRES_URL: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ingest-cli-'));
  dataDir = join(work, 'db');
  shop = join(work, 'shop');
  cpSync('demo/data', shop, { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Each case runs the CLI as a new process (twice in some): 12–16 s on an idle 2-core machine,
// so the default 30 s guard against hangs was too close once the machine was busy.
describe('ingest CLI', { timeout: 120_000 }, () => {
  it('ingests a folder and prints the summary (exit 0), then reports a bad file by name (exit 1)', () => {
    const first = cli('--data-dir', dataDir, '--create-site', '--site', 'shop', shop);
    expect(first.stderr).toContain('[8/8]'); // not a TTY: a line per file
    expect(first.code).toBe(0);
    const added = Number(/documents: (\d+) added, 0 updated, 0 unchanged, 0 removed/.exec(first.stdout)?.[1]);
    expect(added).toBeGreaterThan(40);
    expect(first.stdout).toMatch(/chunks: +\d+ embedded/);
    expect(first.stdout).toMatch(/products: +20\n/);
    expect(first.stdout).toMatch(/time: +[\d.]+ s \(\d+ chunks\/s\)/);

    writeFileSync(join(shop, 'broken.csv'), 'title,body\nx,y\n');
    const second = cli('--data-dir', dataDir, '--site', 'shop', shop);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(`documents: 0 added, 0 updated, ${added} unchanged, 0 removed`);
    expect(second.stdout).toMatch(/failed: +1 file\n +.*broken\.csv: headers "title", "body" match no known CSV/);
  });

  it('exits 2 with a clear message on a missing path, a missing site or no arguments', () => {
    const missing = cli('--data-dir', dataDir, join(work, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`ingest: path not found: ${join(work, 'nope')}`);

    const noSite = cli('--data-dir', dataDir, '--site', 'other', shop);
    expect(noSite.code).toBe(2);
    expect(noSite.stderr).toContain('site "other" does not exist; make it with npm run site -- create other --origin <your pages\' origin>, or pass --create-site');

    const usage = cli('--data-dir', dataDir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give at least one file or folder/);
  });
});
