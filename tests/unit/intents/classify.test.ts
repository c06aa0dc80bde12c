/** classifyFor: a remote model first when configured, then a site's own model, the built-in intents when it has none or nothing clears its threshold. */
import { describe, expect, it } from 'vitest';
import type { Db, IntentModelRow } from '../../../edge/core/ports';
import { classifyFor } from '../../../edge/intents/classify';
import { SiteModels } from '../../../edge/intents/site-models';
import { QueryVector } from '../../../edge/pipeline/query-vector';
import { silentLogger } from '../../../edge/ops/logger';

const stored = new Map<string, IntentModelRow>([
  ['shop', { siteId: 'shop', version: 'v7', model: { words: { cancel: 'cancel_subscription' } }, report: {}, examples: [], trainedAt: new Date() }],
]);
const db = {
  intents: {
    version: async (siteId: string) => stored.get(siteId)?.version ?? null,
    get: async (siteId: string) => stored.get(siteId) ?? null,
  },
  sites: { get: async () => null },
} as unknown as Db;
// A stand-in model: a word picks the label, anything else clears no threshold.
const siteIntents = new SiteModels({ clock: { now: () => 0 }, log: silentLogger }, (m) => {
  const words = (m as { words: Record<string, string> }).words;
  return { predict: (text: string) => (Object.keys(words).find((w) => text.includes(w)) ? { label: words[Object.keys(words).find((w) => text.includes(w))!], score: 0.9 } : null) };
});
const clock = { now: () => 0 };
const intents = { classify: (text: string) => ({ intent: text.startsWith('hi') ? 'greeting' : 'other', score: 0.8, model: 'local' }) };

describe('classifyFor', () => {
  it("answers with the site's model, named by its version", async () => {
    expect(await classifyFor({ db, clock, intents, siteIntents }, 'shop', 'please cancel my plan')).toEqual({ intent: 'cancel_subscription', score: 0.9, model: 'site:v7' });
  });

  it('falls to the built-in intents below the threshold, for a site that never trained, and without site models', async () => {
    expect(await classifyFor({ db, clock, intents, siteIntents }, 'shop', 'hi there')).toEqual({ intent: 'greeting', score: 0.8, model: 'local' });
    expect(await classifyFor({ db, clock, intents, siteIntents }, 'blog', 'cancel it')).toEqual({ intent: 'other', score: 0.8, model: 'local' });
    expect(await classifyFor({ db, clock, intents }, 'shop', 'cancel it')).toEqual({ intent: 'other', score: 0.8, model: 'local' });
  });
});

describe('classifyFor with a remote model and an embedding head', () => {
  const vectorDb = {
    intents: {
      version: async () => 'v9',
      get: async () => ({ siteId: 'shop', version: 'v9', model: {}, report: {}, examples: [], trainedAt: new Date() }),
    },
    sites: { get: async () => ({ id: 'shop', name: 'Shop', allowedOrigins: [], settings: { intents: { store_hours: { action: 'reply', reply: 'Nine to five.' } } } }) },
  } as unknown as Db;
  const seen: (ArrayLike<number> | null | undefined)[] = [];
  // A head trained on embedder "sentences": cancel when the vector says so, whatever the words.
  const headed = new SiteModels({ clock, log: silentLogger }, () => ({
    labels: ['cancel_order'],
    embedding: { model: 'sentences' },
    predict: (_text: string, v?: ArrayLike<number> | null) => {
      seen.push(v);
      return v && v[0] > 0.5 ? { label: 'cancel_order', score: 0.8, features: 'ngrams+sentences' } : null;
    },
  }));
  const embedder = (model: string, fail = false) => {
    const calls: string[][] = [];
    return {
      calls,
      model,
      dimensions: 2,
      async embed(texts: string[]) {
        calls.push(texts);
        if (fail) throw new Error('embedding service down');
        return texts.map(() => Float32Array.of(0.9, 0.1));
      },
    };
  };

  it("reads the question's vector once, and retrieval gets the same one", async () => {
    seen.length = 0;
    const e = embedder('sentences');
    const asked = new QueryVector(e, 'I no longer want what I bought');
    const r = await classifyFor({ db: vectorDb, clock, intents, siteIntents: headed }, 'shop', asked.text, undefined, asked);
    expect(r).toEqual({ intent: 'cancel_order', score: 0.8, model: 'site:v9+sentences' });
    expect(Array.from(seen[0]!)).toEqual([Float32Array.of(0.9)[0], Float32Array.of(0.1)[0]]);
    await asked.get();
    expect(e.calls).toEqual([['I no longer want what I bought']]);
  });

  it('reads n-grams alone when the vector is another embedder\'s, or embedding fails', async () => {
    seen.length = 0;
    const other = embedder('local-hash-384');
    await classifyFor({ db: vectorDb, clock, intents, siteIntents: headed }, 'shop', 'cancel it', undefined, new QueryVector(other, 'cancel it'));
    expect(other.calls).toEqual([]);
    const down = embedder('sentences', true);
    expect((await classifyFor({ db: vectorDb, clock, intents, siteIntents: headed }, 'shop', 'cancel it', undefined, new QueryVector(down, 'cancel it'))).model).toBe('local');
    expect(seen).toEqual([null, null]);
  });

  it("offers a remote model the site's intents (trained and configured); its answer stands, its fallback hands over to the site's model", async () => {
    const asked: unknown[] = [];
    const remote = (answer: 'hf' | 'local') => ({
      classify: async (_text: string, _signal?: AbortSignal, context?: { siteIntents?: readonly string[] }) => {
        asked.push(context);
        return answer === 'hf' ? { intent: 'store_hours', score: 0.7, model: 'hf:nli' } : { intent: 'other', score: 0.6, model: 'local' };
      },
    });
    const e = embedder('sentences');
    const r = await classifyFor({ db: vectorDb, clock, intents: remote('hf'), siteIntents: headed }, 'shop', 'cancel please', undefined, new QueryVector(e, 'cancel please'));
    expect(r).toEqual({ intent: 'store_hours', score: 0.7, model: 'hf:nli' });
    expect(asked[0]).toEqual({ siteIntents: ['cancel_order', 'store_hours'] });
    // The remote's answer needed no vector.
    expect(e.calls).toEqual([]);
    const fellBack = await classifyFor({ db: vectorDb, clock, intents: remote('local'), siteIntents: headed }, 'shop', 'cancel please', undefined, new QueryVector(e, 'cancel please'));
    expect(fellBack.model).toBe('site:v9+sentences');
  });
});
