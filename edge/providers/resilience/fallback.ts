/**
 * Where a cloud provider fails, the embedded one answers, but only where that is honest:
 * - rerank: the local reranker orders the same candidates (scores stay 0..1);
 * - intents: the embedded classifier answers (its result says `model: 'local'`);
 * - LLM: a failure before the first word hands the question to the extractive answerer, which
 *   says so; a failure after words were streamed is not hidden (the turn keeps what streamed
 *   and adds a notice), since mixing two answers would be worse than a cut one.
 * Query embeddings have no fallback here: another model's vectors would not match the index,
 * so retrieval skips the vector side instead (pipeline/retrieve.ts).
 */
import {
  LOCAL_INTENT_MODEL,
  type AnswerPart,
  type AnswerRequest,
  type IntentClassifier,
  type IntentContext,
  type IntentResult,
  type IntentSource,
  type Llm,
  type Logger,
  type Reranked,
  type RerankCandidate,
  type Reranker,
} from '../../core/ports';
import { noMetrics, type Metrics } from '../../core/metrics';
import { describeError, isAbort } from '../../core/resilience/errors';
import { phrase } from '../../language';

/** Said before a fallback answer, so nobody mistakes it for the assistant at its best. */
export function fallbackNote(lang: string | undefined): string {
  return `_${phrase('fallbackNote', lang)}_\n\n`;
}
export const FALLBACK_NOTE = fallbackNote('en');

export class FallbackLlm implements Llm {
  readonly name: string;

  constructor(
    private readonly primary: Llm,
    private readonly fallback: Llm,
    private readonly log: Logger,
    private readonly metrics: Metrics = noMetrics,
  ) {
    this.name = `${primary.name} (falls back to ${fallback.name})`;
  }

  async *stream(req: AnswerRequest, signal?: AbortSignal): AsyncGenerator<AnswerPart> {
    let spoke = false;
    try {
      for await (const part of this.primary.stream(req, signal)) {
        if (part.type === 'text' && part.text) spoke = true;
        yield part;
      }
      return;
    } catch (err) {
      if (spoke || isAbort(err, signal)) throw err;
      this.metrics.inc('support_chat_fallbacks_total', { provider: this.primary.name });
      this.log.warn('llm failed before its first word; answering from the help content', {
        stage: 'llm',
        provider: this.primary.name,
        fallback: this.fallback.name,
        error: describeError(err),
      });
    }
    yield { type: 'fallback', from: this.primary.name };
    // Greetings and hand-offs read the same from either answerer: no note needed.
    if (req.intent !== 'greeting' && req.intent !== 'human') yield { type: 'text', text: fallbackNote(req.language) };
    yield* this.fallback.stream(req, signal);
  }
}

export class FallbackReranker implements Reranker {
  readonly name: string;

  constructor(
    private readonly primary: Reranker,
    private readonly fallback: Reranker,
    private readonly log: Logger,
    private readonly metrics: Metrics = noMetrics,
  ) {
    this.name = `${primary.name} (falls back to ${fallback.name})`;
  }

  async rerank(query: string, candidates: RerankCandidate[], topN: number): Promise<Reranked[]> {
    try {
      return await this.primary.rerank(query, candidates, topN);
    } catch (err) {
      this.metrics.inc('support_chat_fallbacks_total', { provider: this.primary.name });
      this.log.warn('rerank failed; using the local reranker', {
        stage: 'rerank',
        provider: this.primary.name,
        fallback: this.fallback.name,
        error: describeError(err),
      });
      return this.fallback.rerank(query, candidates, topN);
    }
  }
}

export class FallbackIntents implements IntentSource {
  readonly name: string;

  constructor(
    private readonly primary: IntentSource & { readonly name: string },
    private readonly fallback: IntentClassifier,
    private readonly log: Logger,
    private readonly metrics: Metrics = noMetrics,
  ) {
    this.name = `${primary.name} (falls back to the local classifier)`;
  }

  // The fallback knows only the built-in intents; the caller tries the site's own local model first.
  async classify(text: string, signal?: AbortSignal, context?: IntentContext): Promise<IntentResult> {
    try {
      return await this.primary.classify(text, signal, context);
    } catch (err) {
      // The caller gave up: no answer is wanted.
      if (isAbort(err, signal)) throw err;
      this.metrics.inc('support_chat_fallbacks_total', { provider: this.primary.name });
      this.log.warn('intent classification failed; using the local classifier', {
        stage: 'intent',
        provider: this.primary.name,
        fallback: LOCAL_INTENT_MODEL,
        error: describeError(err),
      });
      return { ...this.fallback.classify(text), model: LOCAL_INTENT_MODEL };
    }
  }
}
