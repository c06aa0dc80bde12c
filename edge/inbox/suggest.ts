/**
 * A reply for the agent to start from: the pipeline's answer to the visitor's question, from
 * the site's sources, as the assistant would have given it. Returned to the agent only; it
 * reaches the visitor when, and as, the agent sends it.
 */
import type { Suggestion } from '@support-chat/protocol/inbox';
import type { Deps } from '../core/deps';
import type { TicketRow } from '../core/ports';
import { AnswerClosing, prepareAnswer, questionIn, type Question } from '../pipeline';

/** What a visitor says that is not a question for the sources: greetings, "anyone there?", asking for a person. */
const NOT_A_QUESTION = new Set(['greeting', 'human']);
/** Questions tried, newest first, until one is answered from the sources. */
const TRIES = 3;

export async function suggestReply(deps: Deps, ticket: TicketRow, signal?: AbortSignal): Promise<Suggestion> {
  const history = await deps.db.messages.list(ticket.conversationId);
  const asked = history.filter((m) => m.role === 'user');
  const questions = await newestQuestions(deps, asked, signal);
  const conversation = await deps.db.conversations.get(ticket.conversationId);
  let best: Suggestion = { text: '', citations: [], confidence: 0, suggestion: true };
  for (const question of questions) {
    const q = questionIn(history, { siteId: ticket.siteId, text: question.text, messageId: question.clientId, locale: conversation?.locale ?? undefined });
    // Answered, not routed: a suggestion is never "I'll get you a person".
    const answer = await answerOf(deps, { ...q, offeredPerson: false }, signal);
    if (answer.citations.length > 0) return answer;
    if (!best.text) best = answer;
  }
  return best;
}

/** The newest `TRIES` messages that ask something, classified newest first until there are enough (a remote classifier is asked no more than that). */
async function newestQuestions<M extends { text: string }>(deps: Deps, asked: M[], signal?: AbortSignal): Promise<M[]> {
  const found: M[] = [];
  for (let i = asked.length - 1; i >= 0 && found.length < TRIES; i--) {
    const { intent } = await deps.intents.classify(asked[i].text, signal);
    if (!NOT_A_QUESTION.has(intent)) found.push(asked[i]);
  }
  return found;
}

async function answerOf(deps: Deps, q: Question, signal?: AbortSignal): Promise<Suggestion> {
  const prepared = await prepareAnswer(deps, q, signal);
  const closing = new AnswerClosing();
  closing.begin(prepared);
  let text = '';
  for await (const part of prepared.text) text += closing.take(part);
  text += closing.flush();
  const closed = closing.close(text, false);
  return { text: text.trim(), citations: closed.citations, confidence: closed.confidence, suggestion: true };
}
