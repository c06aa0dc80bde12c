/**
 * One-vs-rest linear SVMs (L2-regularised, squared hinge: scikit-learn's LinearSVC), solved
 * by dual coordinate descent (Hsieh et al., 2008, the liblinear solver).
 *
 * The classes' problems are independent and solved side by side: a full visit computes an
 * example's margins for every class in one loop over feature-major weights (a feature's
 * weights for all classes are adjacent), then updates each class's dual variable. Most
 * (example, class) pairs settle beyond the margin after the first pass, so the visits between
 * full ones touch only the pairs near it (liblinear's shrinking, made cheap: ~13 classes of
 * CLINC150's 151), at under half the cost of a full pass.
 *
 * The solver keeps its dual variables, so training can go on with more rows: the trainer
 * fits on nine tenths, calibrates on the last tenth, then adds it without starting over.
 */
import { mulberry32, shuffle } from './random';
import type { Sparse } from './tfidf';

export interface SvmOptions {
  /** Inverse regularisation, LinearSVC's C. */
  cost?: number;
  /** Every this many passes a full one: every class's margin, and the active pairs chosen again. */
  refresh?: number;
  seed?: number;
}

export interface LinearWeights {
  /** Feature-major: weight of column f for class c at f·classes + c. */
  weights: Float32Array;
  bias: Float32Array;
  classes: number;
}

const DEFAULTS = { cost: 1, refresh: 4, seed: 11 };
/** A pair stays active while its gradient is below this: near or inside the margin. */
const NEAR_MARGIN = 0.1;

export class OneVsRestSolver {
  private readonly w: Float32Array;
  private readonly bias: Float32Array;
  private readonly alpha: Float32Array;
  private readonly diag: Float32Array;
  private readonly qd: Float32Array;
  private readonly active: (Int32Array | null)[];
  private readonly rand: () => number;
  private readonly o: Required<SvmOptions>;

  /**
   * `ys[i]`: the class of example i, or -1 for one that belongs to none (out of scope: a
   * negative for every class). `costs[i]`: a per-example multiplier of the cost (class balance).
   */
  constructor(
    private readonly xs: readonly Sparse[],
    private readonly ys: Int32Array,
    readonly classes: number,
    dims: number,
    options: SvmOptions = {},
    costs?: Float32Array,
  ) {
    this.o = { ...DEFAULTS, ...options };
    const n = xs.length;
    this.w = new Float32Array(dims * classes);
    this.bias = new Float32Array(classes);
    this.alpha = new Float32Array(n * classes);
    this.diag = Float32Array.from({ length: n }, (_, i) => 0.5 / (this.o.cost * (costs ? costs[i] : 1)));
    // The bias is the weight of a constant feature 1, regularised like the others (liblinear's).
    this.qd = Float32Array.from(xs, (x, i) => 1 + this.diag[i] + x.value.reduce((s, v) => s + v * v, 0));
    this.active = new Array(n).fill(null);
    this.rand = mulberry32(this.o.seed);
  }

  /** `passes` over `rows` (indices into the examples), a full one first. */
  train(rows: readonly number[], passes: number): this {
    const order = Int32Array.from(rows);
    const z = new Float64Array(this.classes);
    const buf = new Int32Array(this.classes);
    const step = new Float64Array(this.classes);
    for (let pass = 0; pass < passes; pass++) {
      shuffle(order, this.rand);
      const full = pass % this.o.refresh === 0;
      for (const i of order) this.visit(i, full || this.active[i] === null, z, buf, step);
    }
    return this;
  }

  weights(): LinearWeights {
    return { weights: this.w, bias: this.bias, classes: this.classes };
  }

  /**
   * One example's coordinate steps for all its active classes. A class's step changes only its
   * own weights, so every margin can be read first and every step written after, both in one
   * sweep over the example's features (each a contiguous row of class weights) rather than
   * one strided sweep per class.
   */
  private visit(i: number, full: boolean, z: Float64Array, buf: Int32Array, step: Float64Array): void {
    const { w, bias, alpha, classes: C } = this;
    const { index, value } = this.xs[i];
    const y0 = this.ys[i];
    const a0 = i * C;
    const diag = this.diag[i];
    let pairs: Int32Array;
    if (full) {
      fullMargins(index, value, w, bias, C, z);
      let m = 0;
      for (let c = 0; c < C; c++) {
        const g = (c === y0 ? z[c] : -z[c]) - 1 + diag * alpha[a0 + c];
        if (alpha[a0 + c] > 0 || g < NEAR_MARGIN) buf[m++] = c;
      }
      pairs = this.active[i] = buf.slice(0, m);
      for (let k = 0; k < m; k++) step[k] = z[pairs[k]];
    } else {
      pairs = this.active[i]!;
      const m = pairs.length;
      for (let k = 0; k < m; k++) step[k] = bias[pairs[k]];
      for (let j = 0; j < index.length; j++) {
        const base = index[j] * C;
        const v = value[j];
        for (let k = 0; k < m; k++) step[k] += w[base + pairs[k]] * v;
      }
    }
    // step[k]: the margin of class pairs[k] in, its weight change out.
    let changed = false;
    for (let k = 0; k < pairs.length; k++) {
      const c = pairs[k];
      const y = c === y0 ? 1 : -1;
      const a = alpha[a0 + c];
      const g = y * step[k] - 1 + diag * a;
      const next = a === 0 && g >= 0 ? 0 : Math.max(a - g / this.qd[i], 0);
      alpha[a0 + c] = next;
      step[k] = (next - a) * y;
      bias[c] += step[k];
      if (step[k] !== 0) changed = true;
    }
    if (!changed) return;
    for (let j = 0; j < index.length; j++) {
      const base = index[j] * C;
      const v = value[j];
      for (let k = 0; k < pairs.length; k++) w[base + pairs[k]] += step[k] * v;
    }
  }
}

function fullMargins(index: Int32Array, value: Float32Array, w: Float32Array, bias: Float32Array, C: number, z: Float64Array): void {
  for (let c = 0; c < C; c++) z[c] = bias[c];
  for (let j = 0; j < index.length; j++) {
    const base = index[j] * C;
    const v = value[j];
    let c = 0;
    // Unrolled by four: a third to a half faster on V8 than the plain loop (measured, Node 20).
    for (; c + 3 < C; c += 4) {
      z[c] += w[base + c] * v;
      z[c + 1] += w[base + c + 1] * v;
      z[c + 2] += w[base + c + 2] * v;
      z[c + 3] += w[base + c + 3] * v;
    }
    for (; c < C; c++) z[c] += w[base + c] * v;
  }
}

/** Margins of one example for every class. */
export function margins(x: Sparse, m: LinearWeights, into = new Float64Array(m.classes)): Float64Array {
  fullMargins(x.index, x.value, m.weights, m.bias, m.classes, into);
  return into;
}
