/**
 * Training a site's intents from its labelled rows, what `npm run intents -- train` and the
 * admin API both do: a model is trained on nine tenths and scored on the held-out tenth (the
 * report), then trained again on every row (what serves). Out-of-scope rows (`oos`) teach
 * the threshold below which a message is no intent of the site's.
 */
import type { Db, Embedder, IdGen, IntentClassifier } from '../core/ports';
import { builtInIntents } from '../pipeline/intent/built-in';
import { stratifiedHoldout } from '../pipeline/intent/calibration';
import { intentMetrics, type IntentMetrics } from '../pipeline/intent/evaluate';
import { IntentModel, type StoredIntentModel } from '../pipeline/intent/model';
import { trainIntentModel } from '../pipeline/intent/trainer';
import { embeddingProfile } from '../providers/embeddings/profiles';
import { checkTrainable, OOS, type LabelledRow } from './rows';
import type { LoadedModel } from './site-models';

export interface TrainingReport {
  /** Rows trained on, and the intents among them. */
  rows: number;
  intents: string[];
  /** How the model trained on nine tenths did on the tenth it never saw, reading what it serves with. */
  heldOut: IntentMetrics;
  /**
   * With an embedding head: the same model on the same tenth from its n-grams alone, which is
   * what a runtime without that embedder serves (Workers beside a MiniLM-trained model).
   */
  heldOutNgrams?: IntentMetrics;
  /** What the serving model reads ('ngrams', or 'ngrams+<embedding model>'). */
  features: string;
  trainMs: number;
  /** Of `trainMs`, the time spent embedding the rows. */
  embedMs?: number;
  /** Why the rows were not embedded although an embedder was given (it failed): the model reads n-grams alone. */
  embeddingSkipped?: string;
}

/**
 * The embedder whose vectors a model's head learns from: the server's, the one retrieval
 * embeds each question with, so serving pays no second forward pass. Null trains n-grams only.
 */
export type RowEmbedder = Pick<Embedder, 'model' | 'dimensions' | 'embed'>;

/** The embedder a site's model learns a head from, or null when its vectors would add nothing (hashed ones). */
export function headEmbedder(embedder: RowEmbedder | null | undefined): RowEmbedder | null {
  return embedder && embeddingProfile(embedder.model).intentHead ? embedder : null;
}

export interface SiteTraining {
  /** The file or upload the rows came from, named in errors. */
  source?: string;
  embedder?: RowEmbedder | null;
}

const SEED = 11;
const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

export async function trainSiteModel(rows: readonly LabelledRow[], o: SiteTraining = {}): Promise<{ model: IntentModel; report: TrainingReport }> {
  checkTrainable(rows, o.source ?? 'rows');
  const started = now();
  // An embedder that fails costs the head, not the training.
  let skipped: string | undefined;
  const vectors = o.embedder
    ? await embedRows(o.embedder, rows).catch((e: unknown) => {
        skipped = `${o.embedder!.model}: ${e instanceof Error ? e.message : String(e)}`;
        return null;
      })
    : null;
  const embedding = o.embedder && vectors ? { model: o.embedder.model, dims: o.embedder.dimensions } : undefined;
  const embedMs = now() - started;
  const all = rows.map((r, i) => ({ ...r, embedding: vectors?.[i] ?? null }));
  const options = { outOfScope: OOS, seed: SEED, ...(embedding ? { embedding } : {}) };
  const { train, held } = stratifiedHoldout(
    rows.map((r) => r.label),
    0.1,
    SEED,
  );
  const probe = trainIntentModel(
    train.map((i) => all[i]),
    options,
  );
  const heldRows = held.map((i) => all[i]);
  const heldOut = evaluateModel(probe, heldRows);
  const model = trainIntentModel(all, options);
  return {
    model,
    report: {
      rows: rows.length,
      intents: [...new Set(rows.map((r) => r.label))].filter((l) => l !== OOS).sort(),
      heldOut,
      ...(embedding ? { heldOutNgrams: evaluateModel(probe, heldRows.map(({ text, label }) => ({ text, label }))) } : {}),
      features: model.embedding ? `ngrams+${model.embedding.model}` : 'ngrams',
      trainMs: Math.round(now() - started),
      ...(vectors ? { embedMs: Math.round(embedMs) } : {}),
      ...(skipped ? { embeddingSkipped: skipped } : {}),
    },
  };
}

/** Rows embedded as questions are (purpose 'query'), in batches the embedders take well. */
async function embedRows(embedder: RowEmbedder, rows: readonly LabelledRow[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < rows.length; i += EMBED_BATCH) out.push(...(await embedder.embed(rows.slice(i, i + EMBED_BATCH).map((r) => r.text), 'query')));
  return out;
}
const EMBED_BATCH = 64;

/**
 * Accuracy, macro-F1, per intent, confusions, out of scope and speed of a model on labelled
 * rows; rows with an `embedding` are read with it (the embedding's own cost is not counted:
 * serving reuses retrieval's).
 */
export function evaluateModel(model: IntentModel, rows: readonly (LabelledRow & { embedding?: ArrayLike<number> | null })[]): IntentMetrics {
  const vectors = new Map(rows.map((r) => [r.text, r.embedding]));
  return scored(rows, (text) => model.predict(text, vectors.get(text)).label);
}

/** The rows with the vectors `model`'s embedding head reads, when `embedder` is the one it was trained with. */
export async function withEmbeddings(model: IntentModel, rows: readonly LabelledRow[], embedder?: RowEmbedder | null): Promise<(LabelledRow & { embedding?: Float32Array })[]> {
  if (!embedder || !model.embedding || model.embedding.model !== embedder.model) return [...rows];
  const vectors = await embedRows(embedder, rows);
  return rows.map((r, i) => ({ ...r, embedding: vectors[i] }));
}

/**
 * The built-in intents (the embedded classifier of a site that never trained) on labelled
 * rows: its 'other' is out of scope.
 */
export function evaluateBuiltIn(rows: readonly LabelledRow[], classifier: IntentClassifier = builtInIntents()): IntentMetrics {
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

/** Trains and stores the site's model: every process serving the site swaps it in within seconds. */
export async function trainAndStore(
  deps: { db: Pick<Db, 'intents'>; newId: IdGen },
  siteId: string,
  rows: readonly LabelledRow[],
  training: SiteTraining = {},
): Promise<{ version: string; report: TrainingReport }> {
  const { model, report } = await trainSiteModel(rows, training);
  const version = deps.newId('im');
  await deps.db.intents.save({ siteId, version, model: model.toJSON(), report: report as unknown as Record<string, unknown>, examples: [...rows] });
  return { version, report };
}

/** A stored model as the pipeline reads it: its intent, or null when it rejects the message. */
export function loadSiteModel(stored: unknown): LoadedModel & { model: IntentModel } {
  const model = IntentModel.fromJSON(stored as StoredIntentModel);
  return {
    model,
    labels: model.labels.filter((l) => l !== model.outOfScope),
    embedding: model.embedding,
    predict(text, embedding) {
      const p = model.predict(text, embedding);
      return p.label === model.outOfScope ? null : { label: p.label, score: p.score, features: p.features };
    },
  };
}
