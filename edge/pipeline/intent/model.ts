/**
 * A trained intent model: what a site's examples taught, small enough to store in a database
 * row and load in every process and Worker isolate. Two heads over one label set:
 * - n-grams (always): TF-IDF word and char n-grams, one-vs-rest linear SVMs;
 * - a sentence embedding (optional): a linear head over the vector the retrieval stage already
 *   computed for the message, added to the n-gram margins with a weight fitted on held-out
 *   rows. A runtime that cannot run that embedder (Workers, for MiniLM) passes no vector and
 *   the n-gram head answers alone, with its own calibration; `features` says which answered.
 * Each head turns margins into probabilities by a fitted temperature and rejects below a
 * threshold chosen on held-out rows (see calibration.ts): then the label is `outOfScope`.
 */
import { inScopeProbability, softmax, type ScopeWeights } from './calibration';
import { int8FromBase64, int8ToBase64, scaled } from './codec';
import { utteranceGrams } from './ngrams';
import { margins, type LinearWeights } from './svm';
import { loadVocabulary, storeVocabulary, Vectorizer, type StoredVocabulary, type Vocabulary } from './tfidf';
import { loadWeights, sparseMargins, storeWeights, type SparseWeights, type StoredWeights } from './weights';

export const NGRAM_FEATURES = 'ngrams';
export const MODEL_FORMAT = 'support-chat/intent-model@1';

export interface EmbeddingSpec {
  /** The embedder's model name, as `Embedder.model` reports it. */
  model: string;
  dims: number;
}

export interface Calibrated {
  temperature: number;
  /** Below this probability (see `IntentPrediction.score`), the answer is `outOfScope`. */
  threshold: number;
  /** The chance a message is in scope at all; null when training had no out-of-scope rows. */
  scope: ScopeWeights | null;
}

export interface EmbeddingHead extends Calibrated {
  spec: EmbeddingSpec;
  /** Whole multiples of `scale`: int8 as stored. */
  weights: LinearWeights;
  scale: number;
  /** Multiplier of the embedding margins added to the n-gram margins. */
  weight: number;
}

export interface IntentModelParts extends Calibrated {
  labels: readonly string[];
  outOfScope: string;
  vocabulary: Vocabulary;
  ngrams: SparseWeights;
  embedding: EmbeddingHead | null;
}

export interface IntentPrediction {
  /** The best label, or the model's `outOfScope` label below the threshold. */
  label: string;
  /**
   * Calibrated probability that `label` is right: the best intent's probability among the
   * intents times the chance the message is in scope at all. For an out-of-scope answer,
   * 1 − the best intent's, or the out-of-scope class's own when it won.
   */
  score: number;
  /** The best label and its probability, rejected or not (the out-of-scope label itself when it was trained as a class and won). */
  best: { label: string; score: number };
  /** Which head answered: 'ngrams', or 'ngrams+<embedding model>'. */
  features: string;
}

export interface StoredIntentModel {
  format: typeof MODEL_FORMAT;
  labels: string[];
  outOfScope: string;
  /** What the model reads. A runtime without `embedding.model` serves the n-gram head alone. */
  features: { ngrams: 'words 1-2 + chars 2-5, tf-idf'; embedding: EmbeddingSpec | null };
  ngrams: Calibrated & { vocabulary: StoredVocabulary; weights: StoredWeights };
  embedding: (Calibrated & { weight: number; weights: string; scale: number; bias: number[] }) | null;
}

export class IntentModel {
  private readonly vectorizer: Vectorizer;

  constructor(private readonly parts: IntentModelParts) {
    this.vectorizer = new Vectorizer(parts.vocabulary);
  }

  get labels(): readonly string[] {
    return this.parts.labels;
  }

  get outOfScope(): string {
    return this.parts.outOfScope;
  }

  /** The embedding the model can also read, or null: n-grams only. */
  get embedding(): EmbeddingSpec | null {
    return this.parts.embedding?.spec ?? null;
  }

  /** Temperature and threshold of the head that answers with (or without) an embedding. */
  calibration(withEmbedding: boolean): Calibrated {
    const h = withEmbedding && this.parts.embedding ? this.parts.embedding : this.parts;
    return { temperature: h.temperature, threshold: h.threshold, scope: h.scope };
  }

  /**
   * `embedding`: the message's vector from `this.embedding.model`, when this runtime has it
   * (the one retrieval computed: no second forward pass). Without it, the n-gram head answers.
   */
  predict(text: string, embedding?: ArrayLike<number> | null): IntentPrediction {
    const z = this.margins(text, embedding);
    const head = z.features === NGRAM_FEATURES ? this.parts : this.parts.embedding!;
    const p = softmax(z.margins, head.temperature);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
    // Trained with out-of-scope rows as a class, and that class won: out of scope, no threshold needed.
    if (this.parts.labels[best] === this.parts.outOfScope) {
      const top = { label: this.parts.outOfScope, score: p[best] };
      return { ...top, best: top, features: z.features };
    }
    const inScope = head.scope ? inScopeProbability(head.scope, z.margins[best], z.coverage) : 1;
    const top = { label: this.parts.labels[best], score: p[best] * inScope };
    if (top.score < head.threshold) return { label: this.parts.outOfScope, score: 1 - top.score, best: top, features: z.features };
    return { ...top, best: top, features: z.features };
  }

  /**
   * Uncalibrated, for calibration: the n-gram head's margins, plus the weighted embedding
   * head's when a vector is given, and the share of the word n-grams the model knows.
   */
  margins(text: string, embedding?: ArrayLike<number> | null, embeddingWeight?: number): { margins: Float64Array; coverage: number; features: string } {
    const grams = utteranceGrams(text);
    const z = sparseMargins(this.vectorizer.vectorize(grams), this.parts.ngrams);
    const coverage = this.vectorizer.coverage(grams);
    const head = this.parts.embedding;
    if (!head || !embedding) return { margins: z, coverage, features: NGRAM_FEATURES };
    if (embedding.length !== head.spec.dims) throw new Error(`expected a ${head.spec.dims}-dimension ${head.spec.model} vector, got ${embedding.length} dimensions`);
    const e = margins(denseVector(embedding), head.weights);
    const w = embeddingWeight ?? head.weight;
    for (let c = 0; c < z.length; c++) z[c] += w * e[c];
    return { margins: z, coverage, features: `${NGRAM_FEATURES}+${head.spec.model}` };
  }

  toJSON(): StoredIntentModel {
    const p = this.parts;
    const e = p.embedding;
    return {
      format: MODEL_FORMAT,
      labels: [...p.labels],
      outOfScope: p.outOfScope,
      features: { ngrams: 'words 1-2 + chars 2-5, tf-idf', embedding: e?.spec ?? null },
      ngrams: { temperature: p.temperature, threshold: p.threshold, scope: p.scope, vocabulary: storeVocabulary(p.vocabulary), weights: storeWeights(p.ngrams) },
      embedding: e
        ? {
            temperature: e.temperature,
            threshold: e.threshold,
            scope: e.scope,
            weight: e.weight,
            weights: int8ToBase64(Int8Array.from(e.weights.weights, (v) => Math.round(v / e.scale))),
            scale: e.scale,
            bias: Array.from(e.weights.bias),
          }
        : null,
    };
  }

  static fromJSON(s: StoredIntentModel): IntentModel {
    if (s.format !== MODEL_FORMAT) throw new Error(`not an intent model of format ${MODEL_FORMAT}: ${String(s.format)}`);
    const vocabulary = loadVocabulary(s.ngrams.vocabulary);
    const ngrams = loadWeights(s.ngrams.weights, vocabulary.idf.length);
    if (ngrams.classCount !== s.labels.length) throw new Error(`stored model has ${s.labels.length} labels but ${ngrams.classCount} classes of weights`);
    const spec = s.features.embedding;
    let embedding: EmbeddingHead | null = null;
    if (s.embedding && spec) {
      const q = int8FromBase64(s.embedding.weights);
      const weights = { weights: scaled(q, s.embedding.scale), bias: Float32Array.from(s.embedding.bias), classes: s.labels.length };
      embedding = { spec, weights, scale: s.embedding.scale, weight: s.embedding.weight, temperature: s.embedding.temperature, threshold: s.embedding.threshold, scope: s.embedding.scope };
    }
    const { temperature, threshold, scope } = s.ngrams;
    return new IntentModel({ labels: s.labels, outOfScope: s.outOfScope, vocabulary, ngrams, temperature, threshold, scope, embedding });
  }
}

const DENSE_INDEX = new Map<number, Int32Array>();

/** A dense vector in the sparse form the linear heads read (the index array shared per size). */
export function denseVector(v: ArrayLike<number>): { index: Int32Array; value: Float32Array } {
  let index = DENSE_INDEX.get(v.length);
  if (!index) DENSE_INDEX.set(v.length, (index = Int32Array.from({ length: v.length }, (_, i) => i)));
  return { index, value: Float32Array.from(v) };
}
