/**
 * What the server counts and times, named once: the Node exporter (`/metrics`, Prometheus text)
 * registers exactly these, and the Grafana dashboard and alert rules under deploy/ may use only
 * these (a test checks). Labels stay few and bounded: sites, intents, stages and providers are
 * the deployment's own short lists; no message text, address or conversation id is a label.
 */

/** Seconds, from a first token on loopback (~10 ms) to an answer the visitor gave up on. */
const LATENCY = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const METRICS = {
  support_chat_sockets_open: { type: 'gauge', help: 'Visitor WebSockets open on this process.', labels: [] },
  support_chat_messages_total: { type: 'counter', help: 'Visitor messages taken (a resend is not counted again).', labels: ['site'] },
  support_chat_answers_total: {
    type: 'counter',
    help: 'Answers ended, by outcome: answered, handoff (a person was offered or asked for) or failed.',
    labels: ['site', 'intent', 'outcome'],
  },
  support_chat_answer_confidence: {
    type: 'histogram',
    help: 'The confidence figure each answer was sent with (0 to 1).',
    labels: ['site'],
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  },
  support_chat_first_token_seconds: { type: 'histogram', help: "From the visitor's message to the answer's first piece.", labels: ['site'], buckets: LATENCY },
  support_chat_answer_seconds: { type: 'histogram', help: "From the visitor's message to the answer's end.", labels: ['site'], buckets: LATENCY },
  support_chat_stage_seconds: {
    type: 'histogram',
    help: 'Time of each answer pipeline stage (intent, retrieve, rerank, context, …).',
    labels: ['stage'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  },
  support_chat_answer_cache_total: { type: 'counter', help: 'Answer cache look-ups, by result (hit or miss).', labels: ['result'] },
  support_chat_provider_calls_total: {
    type: 'counter',
    help: 'Calls to remote providers and stores, by outcome (ok or error; a retried call counts once).',
    labels: ['provider', 'stage', 'outcome'],
  },
  support_chat_provider_retries_total: { type: 'counter', help: 'Retries of provider calls.', labels: ['provider', 'stage'] },
  support_chat_breaker_open: { type: 'gauge', help: "1 while a provider's circuit breaker is open (its fallback serves), else 0.", labels: ['provider'] },
  support_chat_fallbacks_total: { type: 'counter', help: 'Answers or stages served by the embedded fallback because a provider failed.', labels: ['provider'] },
  support_chat_llm_tokens_total: { type: 'counter', help: 'Tokens spent, by site, model and kind (prompt, completion, embedding).', labels: ['site', 'model', 'kind'] },
  support_chat_llm_cost_usd_total: { type: 'counter', help: 'Cost in USD from the price table, by site and model.', labels: ['site', 'model'] },
  support_chat_handoffs_total: { type: 'counter', help: 'Tickets opened for a person, by priority.', labels: ['site', 'priority'] },
  support_chat_feedback_total: { type: 'counter', help: 'Ratings visitors gave answers (up or down).', labels: ['site', 'rating'] },
  support_chat_rate_limited_total: { type: 'counter', help: 'Requests refused by a rate limit, by what was limited.', labels: ['what'] },
} as const satisfies Record<string, MetricSpec>;

export interface MetricSpec {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  labels: readonly string[];
  buckets?: readonly number[];
}

type Of<T extends MetricSpec['type']> = { [K in keyof typeof METRICS]: (typeof METRICS)[K]['type'] extends T ? K : never }[keyof typeof METRICS];
export type CounterName = Of<'counter'>;
export type GaugeName = Of<'gauge'>;
export type HistogramName = Of<'histogram'>;
type LabelsOf<K extends keyof typeof METRICS> = { [L in (typeof METRICS)[K]['labels'][number]]: string };

/** Where counts and timings go; `noMetrics` when nothing exports them (Workers, tests, CLIs). */
export interface Metrics {
  inc<K extends CounterName>(name: K, labels: LabelsOf<K>, by?: number): void;
  set<K extends GaugeName>(name: K, labels: LabelsOf<K>, value: number): void;
  /** Moves a gauge up or down (sockets opening and closing). */
  add<K extends GaugeName>(name: K, labels: LabelsOf<K>, by: number): void;
  /** `value` in the metric's unit: seconds for latencies. */
  observe<K extends HistogramName>(name: K, labels: LabelsOf<K>, value: number): void;
}

export const noMetrics: Metrics = { inc() {}, set() {}, add() {}, observe() {} };
