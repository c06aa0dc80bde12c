import type { MessageRow } from '../core/ports';
import { offersPerson } from '../language';
import { LOW_CONFIDENCE } from './confidence';

export interface Question {
  siteId: string;
  text: string;
  locale?: string;
  /** The conversation and the asker's address, for the order look-up's limits. */
  session?: string;
  address?: string;
  /** The visitor's earlier messages, newest first: follow-ups such as an email alone need them. */
  earlier?: string[];
  /** The reply before this message offered to connect a person (so "yes" accepts it). */
  offeredPerson?: boolean;
}

/**
 * How many of a conversation's last messages a turn reads (`Db.messages.recent`): the five
 * earlier questions and the reply before, with room for a ticket's messages between them.
 * A long conversation costs a turn no more than a short one.
 */
export const TURN_HISTORY = 16;

/** A message asked in a conversation, with what the conversation so far says about it. */
export function questionIn(history: MessageRow[], m: { siteId: string; session?: string; text: string; locale?: string; address?: string; messageId: string }): Question {
  const earlier = history
    .filter((row) => row.role === 'user' && row.clientId !== m.messageId)
    .slice(-5)
    .reverse()
    .map((row) => row.text);
  const lastReply = history.filter((row) => row.role === 'assistant').at(-1);
  const offeredPerson = lastReply !== undefined && (lastReply.intent === 'complaint' || (lastReply.confidence ?? 1) < LOW_CONFIDENCE || offersPerson(lastReply.text));
  return { siteId: m.siteId, session: m.session, address: m.address, text: m.text, locale: m.locale, earlier, offeredPerson };
}
