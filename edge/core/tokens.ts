/**
 * Token counting with the tokenizer of GPT-4o-class models (o200k_base), so the context budget
 * (RAG_MAX_CONTEXT_TOKENS) and chunk sizes mean the same thing the production LLM will count.
 */
import { countTokens as count, encode, decode } from 'gpt-tokenizer/encoding/o200k_base';
import { memoize } from '../text/memo';

/** The same passages are budgeted question after question: their counts are remembered. */
const countLong = memoize(8192, count);

export function countTokens(text: string): number {
  return text.length >= 64 ? countLong(text) : count(text);
}

/** The longest prefix of `text` within `maxTokens`, cut on a token boundary. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const tokens = encode(text);
  if (tokens.length <= maxTokens) return text;
  return decode(tokens.slice(0, maxTokens));
}
