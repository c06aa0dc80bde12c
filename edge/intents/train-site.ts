/**
 * Training a site's intents from its labelled rows, what `npm run intents -- train` and the
 * admin API both do: a model is trained on nine tenths and scored on the held-out tenth (the
 * report), then trained again on every row (what serves). Out-of-scope rows (`oos`) teach
 * the threshold below which a message is no intent of the site's.
 */
import type { Db, IdGen, IntentClassifier } from '../core/ports';
import { trainIntentClassifier } from '../pipeline/intent/train';
import { stratifiedHoldout } from '../pipeline/intent/calibration';
import { intentMetrics, type IntentMetrics } from '../pipeline/intent/evaluate';
import { IntentModel, type StoredIntentModel } from '../pipeline/intent/model';
import { trainIntentModel } from '../pipeline/intent/trainer';
import { checkTrainable, OOS, type LabelledRow } from './rows';
import type { LoadedModel } from './site-models';

export interface TrainingReport {
  /** Rows trained on, and the intents among them. */
  rows: number;
  intents: string[];
  /** How the model trained on nine tenths did on the tenth it never saw. */
  heldOut: IntentMetrics;
  /** What the serving model reads (n-grams; an embedding head when rows carried vectors). */
  features: string;
  trainMs: number;
}

const SEED = 11;
const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

export function trainSiteModel(rows: readonly LabelledRow[], source = 'rows'): { model: IntentModel; report: TrainingReport } {
  checkTrainable(rows, source);
  const started = now();
  const { train, held } = stratifiedHoldout(
    rows.map((r) => r.label),
    0.1,
    SEED,
  );
  const probe = trainIntentModel(
    train.map((i) => rows[i]),
    { outOfScope: OOS, seed: SEED },
  );
  const heldOut = evaluateModel(
    probe,
    held.map((i) => rows[i]),
  );
  const model = trainIntentModel(rows, { outOfScope: OOS, seed: SEED });
  return {
    model,
    report: { rows: rows.length, intents: [...new Set(rows.map((r) => r.label))].filter((l) => l !== OOS).sort(), heldOut, features: model.embedding ? `ngrams+${model.embedding.model}` : 'ngrams', trainMs: Math.round(now() - started) },
  };
}

/** Accuracy, macro-F1, per intent, confusions, out of scope and speed of a model on labelled rows. */
export function evaluateModel(model: IntentModel, rows: readonly LabelledRow[]): IntentMetrics {
  return scored(rows, (text) => model.predict(text).label);
}

/**
 * The built-in intents (the embedded classifier of a site that never trained) on labelled
 * rows: its 'other' is out of scope.
 */
export function evaluateBuiltIn(rows: readonly LabelledRow[], classifier: IntentClassifier = builtIn()): IntentMetrics {
  return scored(rows, (text) => {
    const { intent } = classifier.classify(text);
    return intent === 'other' ? OOS : intent;
  });
}

function scored(rows: readonly LabelledRow[], predict: (text: string) => string): IntentMetrics {
  // A first pass untimed: the figure is the steady state, not the JIT warming up.
  for (const r of rows.slice(0, 50)) predict(r.text);
  const started = now();
  const predicted = rows.map((r) => predict(r.text));
  const ms = now() - started;
  return intentMetrics(
    rows.map((r, i) => ({ label: r.label, predicted: predicted[i] })),
    { outOfScope: OOS, ms },
  );
}

let shipped: IntentClassifier | undefined;
const builtIn = () => (shipped ??= trainIntentClassifier());

/** Trains and stores the site's model: every process serving the site swaps it in within seconds. */
export async function trainAndStore(
  deps: { db: Pick<Db, 'intents'>; newId: IdGen },
  siteId: string,
  rows: readonly LabelledRow[],
  source?: string,
): Promise<{ version: string; report: TrainingReport }> {
  const { model, report } = trainSiteModel(rows, source);
  const version = deps.newId('im');
  await deps.db.intents.save({ siteId, version, model: model.toJSON(), report: report as unknown as Record<string, unknown>, examples: [...rows] });
  return { version, report };
}

/** A stored model as the pipeline reads it: its intent, or null when it rejects the message. */
export function loadSiteModel(stored: unknown): LoadedModel & { model: IntentModel } {
  const model = IntentModel.fromJSON(stored as StoredIntentModel);
  return {
    model,
    predict(text) {
      const p = model.predict(text);
      return p.label === model.outOfScope ? null : { label: p.label, score: p.score };
    },
  };
}
