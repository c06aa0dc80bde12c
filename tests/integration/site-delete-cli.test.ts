/**
 * npm run site -- delete on the embedded database, as an operator runs it (server stopped):
 * it asks for --yes, then the site's documents, chunks and vectors, and its site row, are gone,
 * while another site's content stays.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../edge/stores/db/pglite';
import { runCli } from '../servers/cli';

let dir: string;
const env = () => ({ DATA_DIR: join(dir, 'db'), EMBEDDING_MODEL: 'local-hash-384' });
const site = (...args: string[]) => runCli('node', ['--import', 'tsx', 'edge/runtime/node/site-cli.ts', ...args], 60_000, env());
const ingest = (...args: string[]) => runCli('node', ['--import', 'tsx', 'ingest/cli.ts', ...args], 90_000, env());

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'site-delete-'));
  writeFileSync(join(dir, 'gone.md'), '# Returns\n\nReturns are free within 30 days.\n\n## Refunds\n\nRefunds take five days.\n');
  writeFileSync(join(dir, 'kept.md'), '# Shipping\n\nWe ship within two days.\n');
  for (const id of ['gone', 'kept']) expect((await site('create', id, '--origin', '*')).code).toBe(0);
  for (const id of ['gone', 'kept']) {
    const r = await ingest(join(dir, `${id}.md`), '--site', id);
    expect(r.code, r.stderr).toBe(0);
  }
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const counts = async (siteId: string) => {
  const { pg, db } = await openPglite(join(dir, 'db'));
  try {
    const n = async (table: string) => (await pg.query<{ n: number }>(`select count(*)::int as n from ${table} where ${table === 'sites' ? 'id' : 'site_id'} = $1`, [siteId])).rows[0].n;
    return { sites: await n('sites'), documents: await n('documents'), chunks: await n('chunks'), vectors: await n('chunk_vectors') };
  } finally {
    await db.close();
  }
};

describe('npm run site -- delete (embedded database)', () => {
  it('asks for --yes, then deletes the site with its documents, chunks and vectors; another site keeps its own', async () => {
    expect(await counts('gone')).toMatchObject({ sites: 1, documents: 1 });
    const asked = await site('delete', 'gone');
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/add --yes/);
    expect((await counts('gone')).sites).toBe(1);

    const r = await site('delete', 'gone', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/site "gone" deleted: 1 document, 0 conversations erased/);
    expect(await counts('gone')).toEqual({ sites: 0, documents: 0, chunks: 0, vectors: 0 });
    const kept = await counts('kept');
    expect(kept.documents).toBe(1);
    expect(kept.vectors).toBeGreaterThan(0);
    expect((await site('delete', 'gone', '--yes')).code).toBe(1);
  }, 60_000);
});
