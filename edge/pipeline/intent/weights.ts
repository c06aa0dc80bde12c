/**
 * A trained linear model as it is served and stored: int8-quantised, sparse by feature (a
 * feature keeps only the classes it really speaks for): CLINC150's 151 classes over ~30,000
 * n-grams store in about 1 MB of JSON instead of 19 MB of float32. Margins are computed from
 * this form, so what is measured is what ships.
 */
import { ByteReader, ByteWriter, fromBase64, int8FromBase64, int8ToBase64, scaled, toBase64 } from './codec';
import type { LinearWeights } from './svm';
import type { Sparse } from './tfidf';

/** Feature f's weights: classes[start[f]..start[f+1]) with values in the same places. */
export interface SparseWeights {
  classCount: number;
  /** The int8 step: every value is a whole multiple of it. */
  scale: number;
  start: Int32Array;
  classes: Int32Array;
  values: Float32Array;
  bias: Float32Array;
}

export interface StoredWeights {
  /** Per feature: a varint count, then the varint gaps between its classes. */
  index: string;
  /** int8 values, `· scale`. */
  values: string;
  scale: number;
  bias: number[];
}

/**
 * Quantised to int8 with one scale; weights under `minSteps` quantisation steps are dropped.
 * Returns the kept weights and, per feature, whether any weight survived (a feature with
 * none can leave the vocabulary too).
 */
export function sparsify(m: LinearWeights, minSteps: number): { weights: SparseWeights; used: Uint8Array } {
  const C = m.classes;
  const dims = m.weights.length / C;
  let max = 0;
  for (const v of m.weights) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 127 : 1;
  const start = new Int32Array(dims + 1);
  const classes: number[] = [];
  const values: number[] = [];
  const used = new Uint8Array(dims);
  for (let f = 0; f < dims; f++) {
    for (let c = 0; c < C; c++) {
      const q = Math.round(m.weights[f * C + c] / scale);
      if (Math.abs(q) < minSteps) continue;
      classes.push(c);
      values.push(q * scale);
    }
    start[f + 1] = classes.length;
    used[f] = start[f + 1] > start[f] ? 1 : 0;
  }
  return { weights: { classCount: C, scale, start, classes: Int32Array.from(classes), values: Float32Array.from(values), bias: Float32Array.from(m.bias) }, used };
}

/** The same weights over the columns `columns` maps to (-1: dropped, its weights gone with it). */
export function remapColumns(w: SparseWeights, columns: Int32Array, dims: number): SparseWeights {
  const start = new Int32Array(dims + 1);
  const counts = new Int32Array(dims);
  for (let f = 0; f < columns.length; f++) if (columns[f] >= 0) counts[columns[f]] = w.start[f + 1] - w.start[f];
  for (let f = 0; f < dims; f++) start[f + 1] = start[f] + counts[f];
  const classes = new Int32Array(start[dims]);
  const values = new Float32Array(start[dims]);
  for (let f = 0; f < columns.length; f++) {
    const to = columns[f];
    if (to < 0) continue;
    classes.set(w.classes.subarray(w.start[f], w.start[f + 1]), start[to]);
    values.set(w.values.subarray(w.start[f], w.start[f + 1]), start[to]);
  }
  return { ...w, start, classes, values };
}

export function sparseMargins(x: Sparse, w: SparseWeights, into = new Float64Array(w.classCount)): Float64Array {
  into.set(w.bias);
  for (let j = 0; j < x.index.length; j++) {
    const f = x.index[j];
    const v = x.value[j];
    for (let k = w.start[f]; k < w.start[f + 1]; k++) into[w.classes[k]] += w.values[k] * v;
  }
  return into;
}

export function storeWeights(w: SparseWeights): StoredWeights {
  const index = new ByteWriter();
  const dims = w.start.length - 1;
  for (let f = 0; f < dims; f++) {
    index.varint(w.start[f + 1] - w.start[f]);
    let prev = 0;
    for (let k = w.start[f]; k < w.start[f + 1]; k++) {
      index.varint(w.classes[k] - prev);
      prev = w.classes[k];
    }
  }
  const q = Int8Array.from(w.values, (v) => Math.round(v / w.scale));
  return { index: toBase64(index.bytes()), values: int8ToBase64(q), scale: w.scale, bias: Array.from(w.bias) };
}

export function loadWeights(s: StoredWeights, dims: number): SparseWeights {
  const r = new ByteReader(fromBase64(s.index));
  const q = int8FromBase64(s.values);
  const start = new Int32Array(dims + 1);
  const classes = new Int32Array(q.length);
  for (let f = 0; f < dims; f++) {
    const n = r.varint();
    let prev = 0;
    for (let k = start[f]; k < start[f] + n; k++) classes[k] = prev += r.varint();
    start[f + 1] = start[f] + n;
  }
  if (start[dims] !== q.length) throw new Error(`stored weights disagree: index has ${start[dims]}, values ${q.length}`);
  return { classCount: s.bias.length, scale: s.scale, start, classes, values: scaled(q, s.scale), bias: Float32Array.from(s.bias) };
}
