/**
 * Reranking with Cohere's v2 rerank endpoint (`rerank-v3.5` by default). Cohere's
 * relevance_score is already a normalised 0..1 relevance, so it serves the Reranker port as
 * is (clamped against rounding); note that its scale is not the local reranker's, so the
 * low-confidence bar may deserve a check on real traffic after switching.
 */
import { CohereClientV2 } from 'cohere-ai';
import type { Reranked, RerankCandidate, Reranker } from '../../core/ports';
import type { ResiliencePolicy } from '../../core/resilience/policy';

export const DEFAULT_RERANK_MODEL = 'rerank-v3.5';
/** Cohere's cap on documents in one request. */
const MAX_DOCUMENTS = 1000;

export interface CohereConnection {
  token: string;
  /** Cohere's own API when unset (https://api.cohere.com). */
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** No SDK retries (ResiliencePolicy retries) and no environment lookups. */
export function cohereClient(c: CohereConnection): CohereClientV2 {
  return new CohereClientV2({
    token: c.token,
    ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}),
    maxRetries: 0,
    timeoutInSeconds: 600,
    ...(c.fetch ? { fetch: c.fetch } : {}),
  });
}

export class CohereReranker implements Reranker {
  readonly name: string;

  constructor(
    private readonly client: CohereClientV2,
    private readonly policy: ResiliencePolicy,
    private readonly model: string = DEFAULT_RERANK_MODEL,
  ) {
    this.name = `cohere:${model}`;
  }

  async rerank(query: string, candidates: RerankCandidate[], topN: number): Promise<Reranked[]> {
    const docs = candidates.slice(0, MAX_DOCUMENTS);
    const n = Math.min(Math.max(0, Math.floor(topN)), docs.length);
    if (n === 0 || !query.trim()) return [];
    const res = await this.policy.run('rerank', (signal) =>
      this.client.rerank(
        { model: this.model, query, documents: docs.map((c) => (c.title ? `${c.title}\n${c.text}` : c.text)), topN: n },
        { abortSignal: signal, maxRetries: 0 },
      ),
    );
    const seen = new Set<number>();
    return res.results
      .filter((r) => Number.isInteger(r.index) && r.index >= 0 && r.index < docs.length && !seen.has(r.index) && seen.add(r.index))
      .map((r) => ({ id: docs[r.index].id, score: clamp01(r.relevanceScore) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, n);
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
