import { describe, expect, it } from 'vitest';
import { DEFAULT_INTENT_EXAMPLES, exampleRows } from '../../../edge/pipeline/intent/examples';
import { IntentModel } from '../../../edge/pipeline/intent/model';
import { mulberry32 } from '../../../edge/pipeline/intent/random';
import { trainIntentModel, type IntentTrainingRow } from '../../../edge/pipeline/intent/trainer';

// Any label set: the shipped examples under other names, their 'other' rows as out of scope.
const RENAMED: Record<string, string> = { greeting: 'hello', product_question: 'catalogue', policy_question: 'rules', order_status: 'parcel', return_refund: 'returns', human: 'agent', complaint: 'angry', other: 'none' };
const ROWS = exampleRows(DEFAULT_INTENT_EXAMPLES).map((r) => ({ text: r.text, label: RENAMED[r.label] }));
const PROBES = ['hi there', 'where is my parcel 88123', 'can i send these shoes back', 'do you ship to canada', 'i want a real person', 'my mug arrived broken', 'is the lamp dimmable', 'what is the capital of peru', 'zzzz qqqq', ''];

describe('intent model', () => {
  const model = trainIntentModel(ROWS, { outOfScope: 'none' });

  it('learns any label set, with the out-of-scope label for what fits none', () => {
    expect([...model.labels].sort()).toEqual(Object.values(RENAMED).sort());
    const got = Object.fromEntries(PROBES.slice(0, 7).map((t) => [t, model.predict(t).label]));
    expect(got).toEqual({
      'hi there': 'hello',
      'where is my parcel 88123': 'parcel',
      'can i send these shoes back': 'returns',
      'do you ship to canada': 'rules',
      'i want a real person': 'agent',
      'my mug arrived broken': 'angry',
      'is the lamp dimmable': 'catalogue',
    });
    for (const t of ['zzzz qqqq', '']) {
      const p = model.predict(t);
      expect(p.label).toBe('none');
      expect(p.score).toBeGreaterThan(0);
      expect(p.score).toBeLessThanOrEqual(1);
    }
    const { threshold } = model.calibration(false);
    for (const t of PROBES) {
      const p = model.predict(t);
      expect(p.features).toBe('ngrams');
      if (p.label !== 'none') expect(p.score).toBeGreaterThanOrEqual(threshold);
    }
  });

  it('trains the same model from the same rows', () => {
    expect(JSON.stringify(trainIntentModel(ROWS, { outOfScope: 'none' }))).toBe(JSON.stringify(model));
  });

  it('round-trips through JSON and predicts exactly as before', () => {
    const stored = JSON.stringify(model.toJSON());
    const loaded = IntentModel.fromJSON(JSON.parse(stored));
    for (const t of PROBES) expect(loaded.predict(t)).toEqual(model.predict(t));
    expect(JSON.stringify(loaded.toJSON())).toBe(stored);
    expect(JSON.parse(stored).features).toEqual({ ngrams: 'words 1-2 + chars 2-5, tf-idf', embedding: null });
    expect(() => IntentModel.fromJSON({ ...JSON.parse(stored), format: 'something-else' })).toThrow(/format/);
  });
});

describe('intent model with an embedding head', () => {
  // Texts that say nothing apart; each label's vectors point their own way: only the embedding tells them apart.
  const rand = mulberry32(3);
  const spec = { model: 'fake-8', dims: 8 };
  const vector = (k: number) => Array.from({ length: 8 }, (_, d) => (d === k ? 1 : 0) + (rand() - 0.5) * 0.2);
  const rows: IntentTrainingRow[] = [];
  for (let i = 0; i < 40; i++) for (let k = 0; k < 3; k++) rows.push({ text: `same words ${i % 5}`, label: `L${k}`, embedding: vector(k) });
  const model = trainIntentModel(rows, { outOfScope: 'none', embedding: spec });

  it('reads the vector when it is given, and says which head answered', () => {
    expect(model.embedding).toEqual(spec);
    for (let k = 0; k < 3; k++) {
      const p = model.predict('same words 2', vector(k));
      expect(p.best.label).toBe(`L${k}`);
      expect(p.features).toBe('ngrams+fake-8');
    }
    // A runtime without the embedder: the n-gram head alone, which cannot tell these apart.
    expect(model.predict('same words 2').features).toBe('ngrams');
  });

  it('stores the embedding head, and refuses vectors of the wrong size', () => {
    const loaded = IntentModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(loaded.predict('same words 1', vector(2))).toEqual(model.predict('same words 1', vector(2)));
    expect(JSON.parse(JSON.stringify(model)).features.embedding).toEqual(spec);
    expect(() => model.predict('same words', [1, 2, 3])).toThrow(/8-dimension fake-8/);
    expect(() => trainIntentModel([...rows, { text: 'no vector', label: 'L0' }], { embedding: spec })).toThrow(/every row needs/);
  });
});
