/**
 * A question's vector, computed at most once per answer. The site's intent model reads it when
 * its embedding head was trained on the same embedder, and retrieval then searches with it: the
 * head costs no second forward pass. Nothing is computed until someone asks.
 */
import type { Embedder } from '../core/ports';

/** Cloud embedders also say what a call was billed (see OpenAiEmbedder). */
export type MeteredEmbedder = Embedder & {
  embedMetered?(texts: string[], purpose: 'query' | 'document'): Promise<{ vectors: Float32Array[]; tokens: number }>;
};

export interface EmbeddedQuery {
  vector: Float32Array;
  /** Billed tokens, when the embedder meters them. */
  tokens?: number;
}

export class QueryVector {
  private pending?: Promise<EmbeddedQuery>;

  constructor(
    private readonly embedder: MeteredEmbedder,
    /** The text embedded: a caller searching for other words (a spelling correction) embeds those itself. */
    readonly text: string,
  ) {}

  get model(): string {
    return this.embedder.model;
  }

  /** The vector; a failure is the caller's to handle (and is not retried by a second caller). */
  get(): Promise<EmbeddedQuery> {
    return (this.pending ??= this.embed());
  }

  /** Tokens billed so far for this question's vector (0 until it was asked for, or unmetered). */
  async billed(): Promise<number | undefined> {
    if (!this.pending) return undefined;
    return this.pending.then((q) => q.tokens, () => undefined);
  }

  private async embed(): Promise<EmbeddedQuery> {
    if (typeof this.embedder.embedMetered === 'function') {
      const r = await this.embedder.embedMetered([this.text], 'query');
      return { vector: r.vectors[0], tokens: r.tokens };
    }
    const [vector] = await this.embedder.embed([this.text], 'query');
    return { vector };
  }
}
