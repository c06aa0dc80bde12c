/**
 * The embedded answerer, no model: it answers with the help content's own sentences, each
 * cited, and says plainly when the content does not cover the question. It never writes a
 * fact of its own, so it cannot invent one.
 */
import type { AnswerPart, AnswerRequest, Llm, Source } from '../../core/ports';
import { streamText, textParts } from '../../core/stream';
export { streamText };
import { pickSentences, questionTerms, scoreSentences, type Candidate } from './extract';

export interface ExtractiveOptions {
  /** Sentences in an answer, at most. */
  maxSentences?: number;
  /** Least sentence score (≈ share of the question's terms it covers) worth answering with. */
  minScore?: number;
  maxWords?: number;
  /** Words per streamed piece. */
  wordsPerPiece?: number;
}

export const NOT_FOUND =
  "I couldn't find this in our help content. Would you like me to connect you with a person from our team?";
export const CONNECTING = "I'll connect you with a person from our team. They'll reply here as soon as they can.";
const SORRY = "I'm sorry about that.";
const OFFER_PERSON = 'If you like, I can connect you with a person from our team.';

export class ExtractiveAnswerer implements Llm {
  readonly name = 'local-extractive';
  private readonly o: Required<ExtractiveOptions>;

  constructor(options: ExtractiveOptions = {}) {
    this.o = { maxSentences: 3, minScore: 0.3, maxWords: 90, wordsPerPiece: 3, ...options };
  }

  async *stream(req: AnswerRequest, signal?: AbortSignal): AsyncGenerator<AnswerPart> {
    yield* textParts(this.answer(req), signal, this.o.wordsPerPiece);
  }

  /** The whole answer at once (what `stream` yields, joined). */
  answer(req: AnswerRequest): string {
    switch (req.intent) {
      case 'greeting':
        return greet(req.question);
      case 'human':
        return CONNECTING;
    }
    const picked = pickSentences(scoreSentences(questionTerms(req.question), req.sources), {
      max: this.o.maxSentences,
      minScore: this.o.minScore,
      maxWords: this.o.maxWords,
    });
    if (picked.length === 0) {
      return req.intent === 'complaint' ? `${SORRY} ${NOT_FOUND}` : NOT_FOUND;
    }
    const body = cite(picked);
    return req.intent === 'complaint' ? `${SORRY} ${body} ${OFFER_PERSON}` : body;
  }
}

/** Each sentence with its source's "[n]", placed before the closing stop. */
function cite(picked: Candidate[]): string {
  return picked.map((c) => withCitation(/[.!?]$/u.test(c.text) ? c.text : `${c.text}.`, c.source)).join(' ');
}

function withCitation(sentence: string, source: Source): string {
  const m = /^(.*?)([.!?]+["')”]*)$/su.exec(sentence);
  return m ? `${m[1]} [${source.n}]${m[2]}` : `${sentence} [${source.n}]`;
}

function greet(text: string): string {
  const t = text.toLowerCase();
  if (/\b(bye|goodbye|see you|later|good night)\b/u.test(t)) return 'Goodbye, and thanks for stopping by!';
  if (/\b(thanks?|thx|ty|cheers|appreciate)/u.test(t)) return "You're welcome! Is there anything else I can help you with?";
  return 'Hi! How can I help you today? You can ask me about products, orders, shipping or returns.';
}
