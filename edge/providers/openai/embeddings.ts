/**
 * Embeddings from OpenAI (or an OpenAI-compatible server), batched. The dimensions of OpenAI's
 * models are known; another model's are learned from its first answer (`init()`), and every
 * answer after that must match them, since the index is sized for one model.
 */
import type OpenAI from 'openai';
import type { Embedder } from '../../core/ports';
import { countTokens, truncateToTokens } from '../../core/tokens';
import type { CallTuning, ResiliencePolicy } from '../../core/resilience/policy';

export const OPENAI_EMBEDDING_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** OpenAI allows 2,048 inputs and 300,000 tokens a request; stay well inside both. */
const BATCH_INPUTS = 256;
const BATCH_TOKENS = 100_000;
/** The models read 8,191 tokens; counted with o200k here (they use cl100k), so keep a margin. */
const MAX_INPUT_TOKENS = 7_500;

export interface EmbeddingResult {
  vectors: Float32Array[];
  /** Tokens the provider billed (its own count). */
  tokens: number;
}

export interface OpenAiEmbedderOptions {
  client: OpenAI;
  model: string;
  policy: ResiliencePolicy;
  /** Known dimensions for a model not in the table (else learned by `init()`). */
  dimensions?: number;
  /** base64 halves the bytes; some compatible servers only speak float. */
  encoding?: 'base64' | 'float';
  /** A visitor waits on a query embedding; an ingest can wait longer for documents. */
  tuning?: { query?: Partial<CallTuning>; document?: Partial<CallTuning> };
}

export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  private dims: number | null;

  constructor(private readonly o: OpenAiEmbedderOptions) {
    this.model = o.model;
    this.dims = o.dimensions ?? OPENAI_EMBEDDING_DIMENSIONS[o.model] ?? null;
  }

  get dimensions(): number {
    if (this.dims === null) throw new Error(`the dimensions of ${this.model} are not known yet: call init() first`);
    return this.dims;
  }

  /** Learns the dimensions from one small request when the model is not a known one. */
  async init(): Promise<void> {
    if (this.dims === null) await this.embedMetered(['dimensions probe'], 'query');
  }

  async embed(texts: string[], purpose: 'query' | 'document'): Promise<Float32Array[]> {
    return (await this.embedMetered(texts, purpose)).vectors;
  }

  async embedMetered(texts: string[], purpose: 'query' | 'document', signal?: AbortSignal): Promise<EmbeddingResult> {
    const vectors: Float32Array[] = [];
    let tokens = 0;
    for (const batch of batches(texts.map(prepare))) {
      const res = await this.o.policy.run(
        purpose === 'query' ? 'embed query' : 'embed documents',
        (s) =>
          this.o.client.embeddings.create(
            { model: this.model, input: batch, ...(this.o.encoding === 'float' ? { encoding_format: 'float' as const } : {}) },
            { signal: s },
          ),
        { signal, tuning: this.o.tuning?.[purpose] },
      );
      if (res.data.length !== batch.length) throw new Error(`${this.model} returned ${res.data.length} embeddings for ${batch.length} inputs`);
      for (const item of [...res.data].sort((a, b) => a.index - b.index)) {
        const v = Float32Array.from(item.embedding);
        this.dims ??= v.length;
        if (v.length !== this.dims) throw new Error(`${this.model} returned ${v.length} dimensions; expected ${this.dims}`);
        vectors.push(v);
      }
      tokens += res.usage?.prompt_tokens ?? 0;
    }
    return { vectors, tokens };
  }
}

/** The API refuses empty strings and inputs over the model's context. */
function prepare(text: string): string {
  const t = text.trim() ? text : ' ';
  return t.length > MAX_INPUT_TOKENS * 2 && countTokens(t) > MAX_INPUT_TOKENS ? truncateToTokens(t, MAX_INPUT_TOKENS) : t;
}

function* batches(texts: string[]): Generator<string[]> {
  let batch: string[] = [];
  let tokens = 0;
  for (const t of texts) {
    // Characters/3 over-estimates tokens for prose: a cheap bound without tokenizing everything.
    const cost = Math.ceil(t.length / 3);
    if (batch.length && (batch.length >= BATCH_INPUTS || tokens + cost > BATCH_TOKENS)) {
      yield batch;
      batch = [];
      tokens = 0;
    }
    batch.push(t);
    tokens += cost;
  }
  if (batch.length) yield batch;
}
