/** What one finished answer adds to the metrics (core/metrics.ts): outcome, times, tokens, cost. */
import type { Deps } from '../core/deps';
import type { ClosedAnswer } from '../pipeline';

export interface AnswerTimes {
  /** When the turn began (the message was taken), by `deps.clock`. */
  began: number;
  /** When its first piece went out; null when none did. */
  firstAt: number | null;
  /** Each pipeline stage's milliseconds. */
  stages: Record<string, number>;
}

export function countAnswer(deps: Pick<Deps, 'metrics' | 'clock'>, site: string, closed: ClosedAnswer, failed: boolean, times: AnswerTimes): void {
  const m = deps.metrics;
  if (!m) return;
  const outcome = failed ? 'failed' : closed.handoff || closed.wantsPerson ? 'handoff' : 'answered';
  m.inc('support_chat_answers_total', { site, intent: closed.intent, outcome });
  m.observe('support_chat_answer_confidence', { site }, closed.confidence);
  m.observe('support_chat_answer_seconds', { site }, (deps.clock.now() - times.began) / 1000);
  if (times.firstAt !== null) m.observe('support_chat_first_token_seconds', { site }, (times.firstAt - times.began) / 1000);
  for (const [stage, ms] of Object.entries(times.stages)) m.observe('support_chat_stage_seconds', { stage }, ms / 1000);
  const u = closed.usage;
  if (!u) return;
  const model = u.model ?? 'none';
  const spent: [string, number][] = [
    ['prompt', u.promptTokens],
    ['completion', u.completionTokens],
    ['embedding', u.embeddingTokens],
  ];
  for (const [kind, n] of spent) if (n > 0) m.inc('support_chat_llm_tokens_total', { site, model, kind }, n);
  if (u.costUsd) m.inc('support_chat_llm_cost_usd_total', { site, model }, u.costUsd);
}
