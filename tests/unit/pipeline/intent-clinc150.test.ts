/**
 * The intent trainer on a public benchmark: CLINC150 (Larson et al., 2019), trained on its
 * train split (out-of-scope rows included, as the product's `oos` label), scored on its test
 * split, beside the strong offline baseline trained and scored in the same run (a linear SVM
 * over word 1–2 + char 2–5 TF-IDF: tests/helpers/intent-baseline.ts) and the published
 * figures. N-grams only: MiniLM vectors for 20,000 utterances take over a minute here, so
 * the embedding head is measured by `npm run bench` instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { intentMetrics, type IntentMetrics } from '../../../edge/pipeline/intent/evaluate';
import { trainIntentModel } from '../../../edge/pipeline/intent/trainer';
import { trainCalibratedBaseline } from '../../helpers/intent-baseline';

const DIR = fileURLToPath(new URL('../../../../shared/eval/clinc150/', import.meta.url));
type Row = { text: string; label: string };
const load = (split: string): Row[] => parse(readFileSync(`${DIR}${split}.csv`), { columns: true });
const OOS = 'oos';
/** Larson et al. 2019, table 2, full setting: in-scope accuracy / out-of-scope recall. */
const PUBLISHED = 'BERT 96.9 / 40.3, BERT+threshold 96.2 / 52.3, MLP on USE 93.5 / 47.4, linear SVM 91.0 / 14.5';

interface Scored {
  label: string;
  predicted: string;
  /** The best in-scope guess, before any rejection, and the score the threshold compares. */
  guess: string;
  score: number;
}

/**
 * Out-of-scope recall at the strictest threshold that still keeps at least `accuracy` of the
 * in-scope rows right: the two models compared at the same in-scope accuracy.
 */
function recallAtAccuracy(rows: readonly Scored[], accuracy: number): number {
  const inScope = rows.filter((r) => r.label !== OOS).length;
  const oos = rows.length - inScope;
  let keptRight = rows.filter((r) => r.label !== OOS && r.guess === r.label).length;
  let rejected = 0;
  let best = 0;
  for (const r of [...rows].sort((a, b) => a.score - b.score)) {
    if (r.label === OOS) rejected++;
    else if (r.guess === r.label) keptRight--;
    if (keptRight / inScope >= accuracy) best = Math.max(best, rejected / oos);
  }
  return best;
}

const pct = (x: number | null) => (x === null ? 'n/a' : (x * 100).toFixed(1));
const line = (name: string, m: IntentMetrics, raw: number, trainMs: number) =>
  `${name}: in-scope ${pct(m.accuracy)} (${pct(raw)} before rejecting) / out-of-scope recall ${pct(m.oosRecall)}, ` +
  `precision ${pct(m.oosPrecision)}, macro-F1 ${pct(m.macroF1)}; trained in ${(trainMs / 1000).toFixed(1)} s, ${m.msPerUtterance!.toFixed(3)} ms an utterance`;

// The eval data sits beside the project (../shared/eval), not in it: a clone elsewhere has none.
if (!existsSync(DIR)) console.warn(`skipped: no eval data at ${DIR}`);
describe.skipIf(!existsSync(DIR))('intent trainer on CLINC150', () => {
  it('beats the linear-SVM baseline of the same run: in-scope accuracy, and out-of-scope recall at the baseline\'s operating point', () => {
    const train = load('train');
    const test = load('test');

    let t0 = performance.now();
    const model = trainIntentModel(train, { outOfScope: OOS });
    const productTrainMs = performance.now() - t0;
    t0 = performance.now();
    const product: Scored[] = test.map((r) => {
      const p = model.predict(r.text);
      return { label: r.label, predicted: p.label, guess: p.best.label, score: p.best.label === OOS ? -1 : p.best.score };
    });
    const productMs = performance.now() - t0;
    // Before rejecting, over in-scope labels only, as the baseline's argmax is.
    const inScopeGuess = (text: string) => {
      const z = model.margins(text).margins;
      let best = -1;
      model.labels.forEach((l, c) => (l !== OOS && (best < 0 || z[c] > z[best]) ? (best = c) : 0));
      return model.labels[best];
    };

    t0 = performance.now();
    const baseline = trainCalibratedBaseline(train, { outOfScope: OOS });
    const baselineTrainMs = performance.now() - t0;
    t0 = performance.now();
    const base: Scored[] = test.map((r) => {
      const p = baseline.svm.predict(r.text);
      return { label: r.label, predicted: p.score < baseline.threshold ? OOS : p.label, guess: p.label, score: p.score };
    });
    const baseMs = performance.now() - t0;

    const inScope = test.filter((r) => r.label !== OOS);
    const raw = (guess: (r: Row, i: number) => string) => inScope.filter((r, i) => guess(r, i) === r.label).length / inScope.length;
    const p = intentMetrics(product, { outOfScope: OOS, ms: productMs });
    const b = intentMetrics(base, { outOfScope: OOS, ms: baseMs });
    const pRaw = raw((r) => inScopeGuess(r.text));
    const bRaw = raw((r) => baseline.svm.predict(r.text).label);
    const pRecallAtBaseline = recallAtAccuracy(product, b.accuracy);
    console.log(
      [
        `CLINC150, trained on ${train.length} utterances (${train.filter((r) => r.label === OOS).length} out of scope), scored on ${test.length}:`,
        line('  product, n-grams', p, pRaw, productTrainMs),
        line('  linear SVM baseline', b, bRaw, baselineTrainMs),
        `  product at the baseline's in-scope accuracy (${pct(b.accuracy)}): out-of-scope recall ${pct(pRecallAtBaseline)}`,
        `  published (in-scope / out-of-scope recall): ${PUBLISHED}`,
      ].join('\n'),
    );

    expect(p.rows).toEqual({ inScope: 4500, outOfScope: 1000 });
    expect(pRaw).toBeGreaterThan(bRaw);
    expect(p.accuracy).toBeGreaterThan(b.accuracy);
    expect(pRecallAtBaseline).toBeGreaterThanOrEqual(b.oosRecall!);
    // Floors a quarter to half a point under what this run measures: a change that costs more
    // than that fails here even if the baseline happened to lose as much.
    expect(pRaw).toBeGreaterThanOrEqual(0.927);
    expect(p.accuracy).toBeGreaterThanOrEqual(0.91);
    expect(p.oosRecall).toBeGreaterThanOrEqual(0.7);
  }, 180_000); // ~20 s idle (two models, each trained twice); the whole suite beside it can triple that
});
