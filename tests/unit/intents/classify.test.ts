/** classifyFor: a site's own model first, the built-in intents when it has none or nothing clears its threshold. */
import { describe, expect, it } from 'vitest';
import type { Db, IntentModelRow } from '../../../edge/core/ports';
import { classifyFor } from '../../../edge/intents/classify';
import { SiteModels } from '../../../edge/intents/site-models';
import { silentLogger } from '../../../edge/ops/logger';

const stored = new Map<string, IntentModelRow>([
  ['shop', { siteId: 'shop', version: 'v7', model: { words: { cancel: 'cancel_subscription' } }, report: {}, examples: [], trainedAt: new Date() }],
]);
const db = {
  intents: {
    version: async (siteId: string) => stored.get(siteId)?.version ?? null,
    get: async (siteId: string) => stored.get(siteId) ?? null,
  },
} as unknown as Db;
// A stand-in model: a word picks the label, anything else clears no threshold.
const siteIntents = new SiteModels({ clock: { now: () => 0 }, log: silentLogger }, (m) => {
  const words = (m as { words: Record<string, string> }).words;
  return { predict: (text: string) => (Object.keys(words).find((w) => text.includes(w)) ? { label: words[Object.keys(words).find((w) => text.includes(w))!], score: 0.9 } : null) };
});
const intents = { classify: (text: string) => ({ intent: text.startsWith('hi') ? 'greeting' : 'other', score: 0.8, model: 'local' }) };

describe('classifyFor', () => {
  it("answers with the site's model, named by its version", async () => {
    expect(await classifyFor({ db, intents, siteIntents }, 'shop', 'please cancel my plan')).toEqual({ intent: 'cancel_subscription', score: 0.9, model: 'site:v7' });
  });

  it('falls to the built-in intents below the threshold, for a site that never trained, and without site models', async () => {
    expect(await classifyFor({ db, intents, siteIntents }, 'shop', 'hi there')).toEqual({ intent: 'greeting', score: 0.8, model: 'local' });
    expect(await classifyFor({ db, intents, siteIntents }, 'blog', 'cancel it')).toEqual({ intent: 'other', score: 0.8, model: 'local' });
    expect(await classifyFor({ db, intents }, 'shop', 'cancel it')).toEqual({ intent: 'other', score: 0.8, model: 'local' });
  });
});
