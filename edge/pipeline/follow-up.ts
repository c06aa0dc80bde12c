/**
 * "How much is it?" after "Tell me about the Basin 3 Tent": a follow-up names its subject by a
 * pronoun, or not at all ("and how long?"), so a search for its own words finds whatever speaks
 * of prices or times, and the answer is about something else. Its subject is in the visitor's
 * questions before it: retrieval searches for the follow-up together with them.
 *
 * Only a short question with no more than two topic words of its own counts, and only when it
 * refers back ("it", "that", "them", "and…", "what about…") or asks for a price, a time or a
 * place with no topic at all ("how much?"): "What is your return policy?" after a shipping
 * question is a question of its own, and "ok" or "got it" asks nothing.
 */
import { isQueryNoise, words } from '../text';

const REFERS_BACK = /\b(?:it|its|it's|that|this|they|them|these|those|one|ones)\b/iu;
const GOES_ON = /^\s*(?:and|also|or|but|what about|how about|same for|then)\b/iu;
/** A question, not "ok", "got it" or "I like it": those must not bring the last answer back. */
const ASKS = /^\s*(?:(?:and|but|so|also|or|then)\s+)?(?:how|what|what's|whats|when|where|which|who|is|are|was|can|could|do|does|did|will|would|should|may|any|same)\b|\?\s*$/iu;
/** With no topic word, a follow-up must still ask for something: a price, a time, a place, one of several. */
const ASKS_FOR = /\b(?:how (?:much|long|soon|many|often)|when|where|which|what about|how about)\b/iu;
/** Above this many topic words a message says what it is about. */
const OWN_TOPIC = 2;
/** Earlier questions looked back through when they are follow-ups themselves. */
const DEPTH = 2;

export interface FollowUp {
  /** What the follow-up is about: the topic words of the questions it follows ("basin 3 tent"). */
  subject: string;
  /** What retrieval searches for: the subject, then the message. */
  search: string;
}

/** The subject a follow-up takes from the questions before it, or null when the message stands alone. */
export function followUpOf(text: string, earlier: readonly string[]): FollowUp | null {
  if (earlier.length === 0 || !isFollowUp(text)) return null;
  const topics: string[] = [];
  for (const before of earlier.slice(0, DEPTH)) {
    // Their topic words, not their framing: "how long" before "and how much?" would search for times.
    topics.unshift(...words(before).filter((w) => !isQueryNoise(w)));
    if (!isFollowUp(before)) break;
  }
  if (topics.length === 0) return null;
  const subject = [...new Set(topics)].join(' ');
  return { subject, search: `${subject} ${text}` };
}

export function isFollowUp(text: string): boolean {
  const all = words(text);
  if (all.length === 0 || all.length > 12) return false;
  const topic = all.filter((w) => !isQueryNoise(w));
  if (topic.length > OWN_TOPIC || !ASKS.test(text)) return false;
  if (topic.length === 0) return ASKS_FOR.test(text);
  return REFERS_BACK.test(text) || GOES_ON.test(text);
}
