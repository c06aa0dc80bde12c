/**
 * What an answer cost, from a small price table (USD per million tokens, OpenAI's list prices
 * of 2025). Dated snapshots ("gpt-4o-mini-2024-07-18") cost what their model costs. A model not
 * in the table (a local one, a newer one) has no known price: the cost is null, not a guess.
 */
const PER_MILLION: Record<string, { input: number; output: number }> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'text-embedding-ada-002': { input: 0.1, output: 0 },
};

export function priceOf(model: string): { input: number; output: number } | null {
  const exact = PER_MILLION[model];
  if (exact) return exact;
  const dated = /^(.*)-\d{4}-\d{2}-\d{2}$/.exec(model);
  return dated ? (PER_MILLION[dated[1]] ?? null) : null;
}

export interface AnswerUsage {
  /** The chat model that answered, if one did. */
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  embeddingModel: string | null;
  embeddingTokens: number;
  /** Null when any part that used tokens has no known price. */
  costUsd: number | null;
}

export function answerUsage(
  llm: { model: string; promptTokens: number; completionTokens: number }[],
  embedding: { model: string; tokens: number } | null,
): AnswerUsage | null {
  if (llm.length === 0 && !embedding?.tokens) return null;
  let cost: number | null = 0;
  const add = (model: string, input: number, output: number) => {
    if (input === 0 && output === 0) return;
    const price = priceOf(model);
    cost = price && cost !== null ? cost + (input * price.input + output * price.output) / 1e6 : null;
  };
  let promptTokens = 0;
  let completionTokens = 0;
  for (const u of llm) {
    promptTokens += u.promptTokens;
    completionTokens += u.completionTokens;
    add(u.model, u.promptTokens, u.completionTokens);
  }
  if (embedding?.tokens) add(embedding.model, embedding.tokens, 0);
  return {
    model: llm.at(-1)?.model ?? null,
    promptTokens,
    completionTokens,
    embeddingModel: embedding?.tokens ? embedding.model : null,
    embeddingTokens: embedding?.tokens ?? 0,
    costUsd: cost === null ? null : Math.round((cost as number) * 1e9) / 1e9,
  };
}
