/**
 * Upgrading a `.data` that local-hash-384 built: with EMBEDDING_MODEL unset the Node server
 * re-embeds it with all-MiniLM-L6-v2 at start (logged), instead of answering from full text alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../edge/config/load';
import { silentLogger } from '../../edge/ops/logger';
import { RefusingVectorStore } from '../../edge/stores/vectors/refusing';
import { buildNodeDeps } from '../../edge/runtime/node/deps';
import { ensureDemoSite, loadDemoData } from '../../edge/runtime/node/seed';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'support-chat-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an embedded index built by local-hash-384', () => {
  // Three starts over a file-backed database and two embeddings of the demo: slow on a busy machine.
  it('is re-embedded with MiniLM at start when EMBEDDING_MODEL is unset; named, the old model is kept off', { timeout: 120_000 }, async () => {
    const env = { DATA_DIR: join(dir, 'db') };
    const old = await buildNodeDeps(loadConfig({ ...env, EMBEDDING_MODEL: 'local-hash-384' }), silentLogger);
    await ensureDemoSite(old.deps, loadConfig(env), 0);
    await loadDemoData(old.deps, resolve(ROOT, 'demo/data'), ROOT);
    const chunks = (await old.deps.db.documents.list('demo')).length;
    expect(chunks).toBeGreaterThan(0);
    await old.close();

    // Named explicitly, MiniLM does not rebuild what another model made: full text answers.
    const named = await buildNodeDeps(loadConfig({ ...env, EMBEDDING_MODEL: 'all-MiniLM-L6-v2' }), silentLogger);
    expect(named.deps.vectors).toBeInstanceOf(RefusingVectorStore);
    await named.close();

    const lines: string[] = [];
    const log = { ...silentLogger, info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m), error: (m: string) => void lines.push(m) };
    const upgraded = await buildNodeDeps(loadConfig(env), log);
    try {
      expect(upgraded.deps.vectors).not.toBeInstanceOf(RefusingVectorStore);
      expect(await upgraded.deps.vectors.info()).toEqual({ model: 'all-MiniLM-L6-v2', dimensions: 384 });
      expect(lines.some((l) => /built by local-hash-384; EMBEDDING_MODEL is unset, so the \d+ stored chunks are re-embedded with all-MiniLM-L6-v2/.test(l))).toBe(true);
      expect(lines.some((l) => /chunks of 1 sites re-embedded with all-MiniLM-L6-v2/.test(l))).toBe(true);
      const [v] = await upgraded.deps.embedder.embed(['When will I get my refund?'], 'query');
      expect((await upgraded.deps.vectors.search('demo', v, 1)).length).toBe(1);
    } finally {
      await upgraded.close();
    }
  });
});
