/** The providers behind the pipeline: embeddings, reranking, the answering model, intents. */
import type { IntentName } from '@support-chat/protocol';
import type { OrderRow, ProductRow } from './commerce';
import type { DocKind } from './vectors';

export interface Embedder {
  /** Recorded in the index: a query from another model is refused. */
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[], purpose: 'query' | 'document'): Promise<Float32Array[]>;
}

export interface RerankCandidate {
  id: string;
  title: string;
  text: string;
  /** Cosine similarity from the vector search, when it found this candidate (a local reranker may blend it in). */
  vector?: number;
}
export interface Reranked {
  id: string;
  /** Relevance in 0..1, comparable across queries (confidence is built on it). */
  score: number;
}
export interface Reranker {
  readonly name: string;
  rerank(query: string, candidates: RerankCandidate[], topN: number): Promise<Reranked[]>;
}

export interface Source {
  /** The number the answer cites, from 1. */
  n: number;
  title: string;
  url?: string;
  text: string;
  kind: DocKind;
}
export interface AnswerRequest {
  question: string;
  intent: IntentName;
  sources: Source[];
  locale?: string;
  /** The visitor's language (ISO 639-1), detected from what they wrote: fixed sentences come in it. */
  language?: string;
  /** How sure retrieval is that the sources answer the question, 0..1 (the figure shown to the visitor). */
  confidence?: number;
  /** The language of the site's help content, when it differs from the visitor's. */
  contentLanguage?: string;
  /** For a follow-up ("how much is it?"), what it is about: the topic words of the visitor's questions before it. */
  subject?: string;
  /** Live data the model may look up while answering; what it finds is cited like a source. */
  tools?: AnswerTools;
}

/** The shop's live data, for models that call tools. */
export interface AnswerTools {
  searchProducts(query: string, limit: number): Promise<ProductRow[]>;
  /** Both must match: an order number alone must not reveal someone's order. */
  findOrder(number: string, email: string): Promise<OrderRow | null>;
}

export interface Usage {
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/** What an answer stream carries: text as it comes, sources found on the way, token usage. */
export type AnswerPart =
  | { type: 'text'; text: string }
  /** A source found while answering (a tool result), numbered after the request's sources. */
  | { type: 'source'; source: Source }
  | { type: 'usage'; usage: Usage }
  /** The provider asked for failed, or the site's daily budget is spent, and a fallback answers (its note follows as text). */
  | { type: 'fallback'; from: string; reason?: 'error' | 'budget' };

export interface Llm {
  readonly name: string;
  /** Streams the answer; the text cites sources as [n]. */
  stream(req: AnswerRequest, signal?: AbortSignal): AsyncIterable<AnswerPart>;
}

/** How an intent from the embedded classifier is attributed (`IntentResult.model`). */
export const LOCAL_INTENT_MODEL = 'local';

export interface IntentResult {
  /** A built-in intent, or the site's own when its trained model (or a remote model offered its names) gave it. */
  intent: IntentName;
  /** Probability of the chosen intent, 0..1. */
  score: number;
  /** Which model answered: `local` (the embedded classifier) or `hf:<model>`. Unset: the embedded one. */
  model?: string;
}
/** The embedded classifier: in-process, it answers at once. */
export interface IntentClassifier {
  classify(text: string): IntentResult;
}
/** What the caller knows of the message's site. */
export interface IntentContext {
  /** The site's own intent names (its trained model's labels, its settings' intents), when it has any. */
  siteIntents?: readonly string[];
}
/**
 * Where the pipeline gets a message's intent: the embedded classifier itself (a plain result,
 * no added latency; it knows only the built-in intents and ignores `context`), or a remote
 * model with the embedded one as its fallback (a promise that resolves whatever the remote
 * does; it rejects only when `signal` aborts).
 */
export interface IntentSource {
  classify(text: string, signal?: AbortSignal, context?: IntentContext): IntentResult | Promise<IntentResult>;
}
