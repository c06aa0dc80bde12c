/**
 * Multinomial logistic regression over hashed sparse features, trained by SGD with L2 in a
 * few milliseconds; probabilities are calibrated by temperature scaling fitted on
 * out-of-fold predictions, so "0.6" means right about 60% of the time on unseen phrasing.
 * Generic over labels: the product's intents and benchmark label sets use the same code.
 */
import { extractFeatures, type SparseVector } from './features';
import { mulberry32, shuffle } from './random';

export interface SoftmaxOptions {
  /** Hashed feature space, a power of two. */
  dims?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Folds for temperature calibration; 0 turns calibration off (temperature 1). */
  calibrationFolds?: number;
  seed?: number;
}

export interface Prediction<L extends string> {
  label: L;
  /** Calibrated probability of `label`. */
  score: number;
}

export interface Example<L extends string> {
  text: string;
  label: L;
}

const DEFAULTS = { dims: 1 << 16, epochs: 12, learningRate: 0.8, l2: 1e-6, calibrationFolds: 4, seed: 7 };

export class SoftmaxClassifier<L extends string> {
  constructor(
    readonly labels: readonly L[],
    private readonly dims: number,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    readonly temperature: number,
  ) {}

  /** Probabilities in the order of `labels`. */
  probabilities(text: string): Float64Array {
    const logits = this.logits(extractFeatures(text, { dims: this.dims }));
    return softmax(logits, this.temperature);
  }

  predict(text: string): Prediction<L> {
    const p = this.probabilities(text);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
    return { label: this.labels[best], score: p[best] };
  }

  logits(x: SparseVector): Float64Array {
    return computeLogits(x, this.weights, this.bias, this.labels.length);
  }
}

export function trainSoftmax<L extends string>(examples: readonly Example<L>[], options: SoftmaxOptions = {}): SoftmaxClassifier<L> {
  const o = { ...DEFAULTS, ...options };
  if ((o.dims & (o.dims - 1)) !== 0) throw new Error(`dims must be a power of two, got ${o.dims}`);
  const labels = [...new Set(examples.map((e) => e.label))].sort() as L[];
  if (labels.length < 2) throw new Error('need examples of at least two labels');
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const xs = examples.map((e) => extractFeatures(e.text, { dims: o.dims }));
  const ys = Int32Array.from(examples, (e) => labelIndex.get(e.label)!);
  const C = labels.length;

  let temperature = 1;
  if (o.calibrationFolds >= 2 && examples.length >= o.calibrationFolds * C) {
    temperature = fitTemperature(xs, ys, C, o);
  }
  const { weights, bias } = fit(xs, ys, C, all(xs.length), o);
  return new SoftmaxClassifier(labels, o.dims, weights, bias, temperature);
}

type Options = typeof DEFAULTS;

function fit(xs: SparseVector[], ys: Int32Array, C: number, rows: Int32Array, o: Options) {
  // Row-major by feature: a feature's weights for all classes are adjacent in memory.
  // The true weights are `scale * stored`: L2 decay shrinks every weight each step, and the
  // shared scale does that in O(1) instead of touching the whole matrix.
  const stored = new Float32Array(o.dims * C);
  const bias = new Float32Array(C);
  const order = Int32Array.from(rows);
  const rand = mulberry32(o.seed);
  const active = new Int32Array(C);
  let scale = 1;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, rand);
    const lr = o.learningRate / (1 + epoch * 0.3);
    const decay = 1 - lr * o.l2;
    for (let k = 0; k < order.length; k++) {
      const r = order[k];
      const x = xs[r];
      const g = softmax(computeLogits(x, stored, bias, C, scale), 1);
      g[ys[r]] -= 1; // now the gradient of the loss w.r.t. the logits
      // Classes the model already rules out get gradients ~0: skipping them halves the work.
      let n = 0;
      for (let c = 0; c < C; c++) {
        if (g[c] > 1e-3 || g[c] < -1e-3) {
          active[n++] = c;
          bias[c] -= lr * g[c];
        }
      }
      scale *= decay;
      const inv = lr / scale;
      for (let j = 0; j < x.index.length; j++) {
        const base = x.index[j] * C;
        const step = inv * x.value[j];
        for (let a = 0; a < n; a++) stored[base + active[a]] -= step * g[active[a]];
      }
      if (scale < 1e-3) {
        for (let i = 0; i < stored.length; i++) stored[i] *= scale;
        scale = 1;
      }
    }
  }
  if (scale !== 1) for (let i = 0; i < stored.length; i++) stored[i] *= scale;
  return { weights: stored, bias };
}

/** Temperature minimising the log loss of out-of-fold logits (grid search: the loss is 1-D and smooth). */
function fitTemperature(xs: SparseVector[], ys: Int32Array, C: number, o: Options): number {
  const folds = o.calibrationFolds;
  const order = all(xs.length);
  shuffle(order, mulberry32(o.seed + 1));
  const held: { logits: Float64Array; y: number }[] = [];
  for (let f = 0; f < folds; f++) {
    const train = order.filter((_, i) => i % folds !== f);
    const test = order.filter((_, i) => i % folds === f);
    const { weights, bias } = fit(xs, ys, C, train, o);
    for (const r of test) held.push({ logits: computeLogits(xs[r], weights, bias, C), y: ys[r] });
  }
  let bestT = 1;
  let bestLoss = Infinity;
  for (let t = 0.2; t <= 4.0001; t += 0.05) {
    let loss = 0;
    for (const h of held) loss -= Math.log(Math.max(softmax(h.logits, t)[h.y], 1e-12));
    if (loss < bestLoss) {
      bestLoss = loss;
      bestT = t;
    }
  }
  return Math.round(bestT * 100) / 100;
}

function computeLogits(x: SparseVector, weights: Float32Array, bias: Float32Array, C: number, scale = 1): Float64Array {
  const z = new Float64Array(C);
  for (let j = 0; j < x.index.length; j++) {
    const base = x.index[j] * C;
    const v = x.value[j];
    for (let c = 0; c < C; c++) z[c] += weights[base + c] * v;
  }
  for (let c = 0; c < C; c++) z[c] = z[c] * scale + bias[c];
  return z;
}

function softmax(z: Float64Array, temperature: number): Float64Array {
  const out = new Float64Array(z.length);
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) if (z[c] > max) max = z[c];
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += out[c] = Math.exp((z[c] - max) / temperature);
  for (let c = 0; c < z.length; c++) out[c] /= sum;
  return out;
}

function all(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
