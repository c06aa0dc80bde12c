/**
 * How well an intent model does on labelled rows, in the terms of Larson et al. (2019), so
 * figures sit beside the published ones: in-scope accuracy counts an in-scope row rejected as
 * out of scope as wrong; out-of-scope recall and precision treat the out-of-scope label as
 * the positive class. Pure: the caller predicts (and times) and hands in the pairs.
 */

export interface LabelledPrediction {
  label: string;
  predicted: string;
}

export interface IntentF1 {
  precision: number;
  recall: number;
  f1: number;
  /** Rows with this true label. */
  support: number;
}

export interface Confusion {
  label: string;
  predicted: string;
  count: number;
}

export interface IntentMetrics {
  /** In-scope rows predicted right, over in-scope rows. */
  accuracy: number;
  /** Mean F1 over in-scope labels (true or predicted, as scikit-learn's macro average). */
  macroF1: number;
  perIntent: Record<string, IntentF1>;
  /** The most frequent (true, predicted) pairs that differ; out of scope included either way. */
  confusions: Confusion[];
  /** Null without out-of-scope rows. */
  oosRecall: number | null;
  /** Null when nothing was predicted out of scope. */
  oosPrecision: number | null;
  /** Null when the caller did not time the predictions. */
  msPerUtterance: number | null;
  rows: { inScope: number; outOfScope: number };
}

export interface MetricsOptions {
  /** The label of out-of-scope rows and rejected predictions. Default 'oos' (CLINC150's). */
  outOfScope?: string;
  /** Total milliseconds spent predicting the rows. */
  ms?: number;
  /** How many confusions to list. */
  confusions?: number;
}

export function intentMetrics(rows: readonly LabelledPrediction[], o: MetricsOptions = {}): IntentMetrics {
  const oos = o.outOfScope ?? 'oos';
  const truth = new Map<string, number>();
  const predicted = new Map<string, number>();
  const right = new Map<string, number>();
  const confused = new Map<string, Confusion>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const r of rows) {
    bump(truth, r.label);
    bump(predicted, r.predicted);
    if (r.label === r.predicted) bump(right, r.label);
    else {
      const key = `${r.label}\u0000${r.predicted}`;
      const c = confused.get(key) ?? { label: r.label, predicted: r.predicted, count: 0 };
      c.count++;
      confused.set(key, c);
    }
  }
  const inScopeRows = rows.length - (truth.get(oos) ?? 0);
  const inScopeRight = [...right].filter(([l]) => l !== oos).reduce((s, [, n]) => s + n, 0);

  const perIntent: Record<string, IntentF1> = {};
  const labels = [...new Set([...truth.keys(), ...predicted.keys()])].filter((l) => l !== oos).sort();
  for (const l of labels) {
    const tp = right.get(l) ?? 0;
    const precision = ratio(tp, predicted.get(l) ?? 0) ?? 0;
    const recall = ratio(tp, truth.get(l) ?? 0) ?? 0;
    perIntent[l] = { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, support: truth.get(l) ?? 0 };
  }
  const f1s = labels.map((l) => perIntent[l].f1);

  return {
    accuracy: ratio(inScopeRight, inScopeRows) ?? 0,
    macroF1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0,
    perIntent,
    confusions: [...confused.values()]
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label) || a.predicted.localeCompare(b.predicted))
      .slice(0, o.confusions ?? 10),
    oosRecall: ratio(right.get(oos) ?? 0, truth.get(oos) ?? 0),
    oosPrecision: ratio(right.get(oos) ?? 0, predicted.get(oos) ?? 0),
    msPerUtterance: o.ms === undefined ? null : ratio(o.ms, rows.length),
    rows: { inScope: inScopeRows, outOfScope: truth.get(oos) ?? 0 },
  };
}

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

/** The metrics as lines of text: totals, the worst intents by F1, the confusions. */
export function formatIntentMetrics(m: IntentMetrics, worstIntents = 10): string {
  const pct = (x: number | null) => (x === null ? 'n/a' : (x * 100).toFixed(1));
  const out = [
    `in-scope accuracy ${pct(m.accuracy)} (${m.rows.inScope} rows), macro-F1 ${pct(m.macroF1)}`,
    `out of scope (${m.rows.outOfScope} rows): recall ${pct(m.oosRecall)}, precision ${pct(m.oosPrecision)}`,
    `ms per utterance ${m.msPerUtterance === null ? 'n/a' : m.msPerUtterance.toFixed(3)}`,
  ];
  const worst = Object.entries(m.perIntent).sort((a, b) => a[1].f1 - b[1].f1 || a[0].localeCompare(b[0])).slice(0, worstIntents);
  if (worst.length) out.push('lowest F1:', ...worst.map(([l, f]) => `  ${l}: F1 ${pct(f.f1)} (precision ${pct(f.precision)}, recall ${pct(f.recall)}, ${f.support} rows)`));
  if (m.confusions.length) out.push('most frequent confusions (true → predicted):', ...m.confusions.map((c) => `  ${c.label} → ${c.predicted}: ${c.count}`));
  return out.join('\n');
}
