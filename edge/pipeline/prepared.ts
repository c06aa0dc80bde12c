import type { IntentName } from '@support-chat/protocol';
import type { AnswerPart, Source } from '../core/ports';

/** Everything the conversation layer needs to stream and then close one answer. */
export interface PreparedAnswer {
  intent: IntentName;
  /** Which classifier gave the intent (`local`, or `hf:<model>`), for reports beside `timings.intent`. */
  intentModel?: string;
  normalized: string;
  /** The visitor's language, as detected (ISO 639-1). */
  language: string;
  sources: Source[];
  confidence: number;
  /** A person is offered (low confidence, a complaint, content in another language) or asked for. */
  handoff: boolean;
  /** The visitor asked for a person: the conversation layer opens a ticket. */
  wantsPerson: boolean;
  text: AsyncIterable<AnswerPart>;
  /** Where the answer may be reused for the same normalised question (not live data). */
  cacheKey: string | null;
  timings: Record<string, number>;
  /** Origins (or hosts) of the site that the answer may link to, besides its sources' own. */
  linkHosts?: string[];
  /** The query embedding's billed tokens, when a metered embedder ran. */
  embedding?: { model: string; tokens: number };
}
