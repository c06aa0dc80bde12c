/**
 * A site model trained on the server's sentence embedder (all-MiniLM-L6-v2, real, offline)
 * serves with its embedding head, reading the question's vector that retrieval then searches
 * with: one embedding per question, not two. Real PGlite, the demo shop.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../edge/core/deps';
import { parseRowsCsv } from '../../../edge/intents/rows';
import { headEmbedder, trainAndStore, trainSiteModel } from '../../../edge/intents/train-site';
import { LocalEmbedder } from '../../../edge/providers/embeddings/local';
import { prepareAnswer } from '../../../edge/pipeline';
import { demoDeps } from '../../helpers/deps';

const rows = parseRowsCsv(readFileSync('demo/intents.csv', 'utf8'), 'demo/intents.csv');
let deps: Deps;
let close: () => Promise<void>;
const embedded: string[][] = [];
beforeAll(async () => {
  ({ deps, close } = await demoDeps());
  const real = deps.embedder;
  deps = { ...deps, embedder: { model: real.model, dimensions: real.dimensions, embed: (texts, purpose) => (embedded.push(texts), real.embed(texts, purpose)) } };
}, 120_000);
afterAll(() => close());

describe('a site model with an embedding head, served', () => {
  it('trains a head on the sentence model and reports the n-grams alone beside it', async () => {
    expect(deps.embedder.model).toBe('all-MiniLM-L6-v2');
    const { model, report } = await trainSiteModel(rows, { embedder: headEmbedder(deps.embedder) });
    expect(report.features).toBe('ngrams+all-MiniLM-L6-v2');
    expect(model.embedding).toEqual({ model: 'all-MiniLM-L6-v2', dims: 384 });
    expect(report.heldOutNgrams?.rows).toEqual(report.heldOut.rows);
    expect(report.embedMs).toBeGreaterThan(0);
    // Hashed vectors are n-grams again: no head on them (Workers, EMBEDDING_MODEL=local-hash-384).
    expect(headEmbedder(new LocalEmbedder())).toBeNull();
  });

  it('answers with the head, from the one vector retrieval also searches with', async () => {
    const { version } = await trainAndStore(deps, 'demo', rows, { embedder: deps.embedder });
    deps.siteIntents!.forget('demo');
    embedded.length = 0;
    const q = 'The zip on my tent broke after a year, does the warranty cover it?';
    const prepared = await prepareAnswer(deps, { siteId: 'demo', text: q });
    for await (const _ of prepared.text);
    expect(prepared.intent).toBe('warranty_claim');
    expect(prepared.intentModel).toBe(`site:${version}+all-MiniLM-L6-v2`);
    expect(prepared.sources.length).toBeGreaterThan(0);
    expect(embedded).toEqual([[q]]);
  });

  it('an embedder that fails costs the head, not the training', async () => {
    const down = { model: 'all-MiniLM-L6-v2', dimensions: 384, embed: async () => Promise.reject(new Error('model files missing')) };
    const { model, report } = await trainSiteModel(rows, { embedder: down });
    expect(model.embedding).toBeNull();
    expect(report).toMatchObject({ features: 'ngrams', embeddingSkipped: 'all-MiniLM-L6-v2: model files missing' });
  });
});
