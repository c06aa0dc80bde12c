/**
 * The embedded answerer, no model: it answers with the help content's own words and says
 * plainly when the content does not cover the question. An FAQ whose question matches is
 * answered whole; a document with a passage of consecutive sentences of one section. A
 * second source joins only for a distinct part of a multi-part question. It never writes a
 * fact of its own, so it cannot invent one; its own sentences come in the visitor's language.
 */
import type { AnswerPart, AnswerRequest, Llm, Source } from '../../core/ports';
import { streamText, textParts } from '../../core/stream';
import { languageName, phrase } from '../../language';
import { asksRemedy, bestPassage, type Passage } from './passages';
import { questionParts } from './question-parts';
import { stem } from '../../text';
import { coverage, namesIn, questionTerms, stemSet, termHit } from './terms';
export { streamText };

export interface ExtractiveOptions {
  /** Words per streamed piece. */
  wordsPerPiece?: number;
}

/** The English refusal, for callers that compare against it. */
export const NOT_FOUND = phrase('notFound', 'en');
export const CONNECTING = phrase('connecting', 'en');

/**
 * From this confidence retrieval is sure the sources answer: on StackFAQ dev with MiniLM, 95% of
 * answerable questions score above 0.77 and 95% of unanswerable ones below 0.23.
 */
const SURE = 0.7;
/** What each step down the ranking costs a passage's match when choosing the one that leads. */
const RANK_STEP = 0.1;
/** A part of the question the first passage leaves this uncovered may take a second source. */
const PART_UNCOVERED = 0.5;
/** …when that source covers the part at least this well, and this much better. */
const PART_COVERED = 0.5;
const PART_GAIN = 0.3;
/** A leading "Yes"/"No" survives only when the FAQ's question and the visitor's cover each other this well. */
const SAME_QUESTION = 0.75;

export class ExtractiveAnswerer implements Llm {
  readonly name = 'local-extractive';
  private readonly wordsPerPiece: number;

  constructor(options: ExtractiveOptions = {}) {
    this.wordsPerPiece = options.wordsPerPiece ?? 3;
  }

  async *stream(req: AnswerRequest, signal?: AbortSignal): AsyncGenerator<AnswerPart> {
    yield* textParts(this.answer(req), signal, this.wordsPerPiece);
  }

  /** The whole answer at once (what `stream` yields, joined). */
  answer(req: AnswerRequest): string {
    const lang = req.language;
    switch (req.intent) {
      case 'greeting':
        return greet(req.question, lang);
      case 'human':
        return phrase('connecting', lang);
    }
    const body = compose(req.question, req.sources, { sure: (req.confidence ?? 0) >= SURE, ...(req.subject ? { subject: req.subject } : {}) });
    const foreign = req.contentLanguage && lang && req.contentLanguage !== lang;
    if (foreign) {
      const note = phrase('otherLanguage', lang, { content: languageName(req.contentLanguage!, lang), visitor: languageName(lang, lang) });
      return body ? `${note} ${phrase('otherLanguageAnswer', lang)}\n\n${body}\n\n${phrase('offerPerson', lang)}` : `${note} ${phrase('notFound', lang)}`;
    }
    if (req.intent === 'complaint') {
      return `${phrase('sorry', lang)} ${body ? `${body}\n\n${phrase('offerPerson', lang)}` : `${phrase('complaintNoPolicy', lang)} ${phrase('offerPerson', lang)}`}`;
    }
    return body ?? phrase('notFound', lang);
  }
}

/**
 * The answer from the sources, each passage cited, or null when no source has a readable one.
 * A follow-up's `subject` adds its topic words (not its aspects: "how long" before "and how
 * much?" does not ask for a time now).
 */
export function compose(question: string, sources: Source[], o: { sure?: boolean; subject?: string } = {}): string | null {
  if (sources.length === 0) return null;
  const own = questionTerms(question);
  const terms = o.subject ? [...new Set([...own, ...questionTerms(o.subject).filter((t) => !t.startsWith('~'))])] : own;
  const ranked = [...sources].sort((a, b) => a.n - b.n);
  const remedy = asksRemedy(question);
  const passages = ranked.map((s) => bestPassage(s, terms, { remedy })).filter((p): p is Passage => p !== null);
  if (passages.length === 0) return null;
  // Retrieval that is sure has seen the paraphrase ("Removing my FB account" for "delete my
  // Facebook account"); below that, words the sources never use mean another subject.
  if (aboutSomethingElse(question, terms, sources, o.sure === true)) return null;

  // Retrieval ranked the sources; each later rank must cover the question clearly better to lead.
  // When retrieval is sure, its first source leads.
  const leading = o.sure
    ? passages[0]
    : passages.reduce((best, p, i) => (p.match * (1 - RANK_STEP * i) > best.match * (1 - RANK_STEP * passages.indexOf(best)) ? p : best));
  // "And how much?" asks for nothing but its aspect: the subject's words found the sources, and
  // the first of them that has a price (or a time) answers it.
  const primary = o.subject && !hasAspects(leading, own) ? (passages.find((p) => hasAspects(p, own)) ?? leading) : leading;
  const chosen: { passage: Passage; asked: string }[] = [{ passage: primary, asked: question }];

  const parts = questionParts(question);
  if (parts.length > 1) {
    const primaryStems = stemSet(`${primary.faqQuestion ?? ''} ${primary.text}`);
    for (const part of parts) {
      const partTerms = questionTerms(part);
      const have = coverage(partTerms, primaryStems);
      // "How much…" answered with a time, or "how long…" with a price, is not answered.
      const missesAspect = partTerms.some((t) => t.startsWith('~') && !primaryStems.has(t));
      if (partTerms.length === 0 || (have >= PART_UNCOVERED && !missesAspect)) continue;
      const other = ranked
        .filter((s) => !chosen.some((c) => c.passage.source.n === s.n))
        .map((s) => bestPassage(s, partTerms, { remedy: asksRemedy(part) }))
        .filter((p): p is Passage => p !== null && p.match >= PART_COVERED && (p.match - have >= PART_GAIN || (missesAspect && hasAspects(p, partTerms))))
        .sort((a, b) => b.match - a.match || a.source.n - b.source.n)[0];
      if (other) chosen.push({ passage: other, asked: part });
    }
  }
  return chosen.map(({ passage, asked }) => cite(withoutBorrowedVerdict(passage, asked === question ? parts : [asked]), passage.source)).join('\n\n');
}

function hasAspects(p: Passage, terms: string[]): boolean {
  const stems = stemSet(p.text);
  return terms.every((t) => !t.startsWith('~') || stems.has(t));
}

/** Above this share of the question's topic words missing from every source, the sources answer another question. */
const MAX_UNKNOWN = 0.5;
/** "Do you sell kayaks?", "Do you carry bear spray?": the thing asked for. */
const ASKED_ITEM = /\b(?:do|does|did)\s+(?:you|y'?all|your (?:shop|store))\s+(?:guys\s+)?(?:sell|carry|stock|have|offer|make|rent)\s+(?:any\s+|a\s+|an\s+)?([^?.!]+)/iu;

/**
 * "When does Stripe money arrive?" with the shop's refund times, "Do you sell kayaks?" with
 * its gift cards: sources near the question but not about its subject. A name the sources
 * never mention, the item asked for missing from them, or most of the topic words missing,
 * means: not covered. When retrieval is sure, only plain evidence overrules it: none of the
 * topic words in the sources ("Where can I park my spaceship?"), or not the thing asked for
 * ("Do you sell gift wrapping?" beside "Do you sell gift cards?").
 */
function aboutSomethingElse(question: string, terms: string[], sources: Source[], sure: boolean): boolean {
  const known = stemSet(sources.map((s) => `${s.title}\n${s.text}`).join('\n'));
  const topic = terms.filter((t) => !t.startsWith('~'));
  if (topic.length === 0) return false;
  const missing = (t: string) => termHit(t, known) === 0;
  const unknown = topic.filter(missing);
  if (sure ? unknown.length === topic.length : unknown.length / topic.length > MAX_UNKNOWN) return true;
  const item = ASKED_ITEM.exec(question)?.[1];
  if (item && (sure ? [headOf(item)] : topicTerms(item)).some((t) => t !== undefined && missing(t))) return true;
  return !sure && namesIn(question).some((name) => missing(stem(name)));
}

const topicTerms = (text: string) => questionTerms(text).filter((t) => !t.startsWith('~'));

/** The thing itself, without what it is for: "gift wrapping for a birthday" → wrap. */
function headOf(item: string): string | undefined {
  return topicTerms(item.split(/\s+(?:for|in|to|with|at|on|from|that|which|under|over|near|by|like|when|if)\s+/iu)[0]).at(-1);
}

/**
 * "Yes, digital gift cards…" answers "Do you sell gift cards?", not "Can I buy one for my
 * brother?": a leading yes or no is kept only when the FAQ's question is a question asked.
 */
function withoutBorrowedVerdict(p: Passage, asked: string[]): string {
  const m = /^(?:yes|no)\b[,.:;!—–-]?\s*/iu.exec(p.text);
  if (!m) return p.text;
  if (p.faqQuestion) {
    const faq = questionTerms(p.faqQuestion);
    for (const part of asked) {
      const visitor = questionTerms(part);
      const same = Math.min(coverage(visitor, new Set(faq)), coverage(faq, new Set(visitor)));
      if (same >= SAME_QUESTION) return p.text;
    }
  }
  const rest = p.text.slice(m[0].length);
  return rest ? rest[0].toUpperCase() + rest.slice(1) : p.text;
}

/** The passage with its source's "[n]" before the closing stop. */
function cite(text: string, source: Source): string {
  const sentence = /[.!?]["')”]*$/u.test(text) ? text : `${text}.`;
  const m = /^(.*?)([.!?]+["')”]*)$/su.exec(sentence);
  return m ? `${m[1]} [${source.n}]${m[2]}` : `${sentence} [${source.n}]`;
}

function greet(text: string, lang: string | undefined): string {
  const t = text.toLowerCase();
  if (/\b(?:bye|goodbye|see you|later|good night|adiós|adios|hasta luego|tschüss|tschüs|auf wiedersehen)\b|مع السلامة|وداعا/u.test(t)) return phrase('bye', lang);
  if (/\b(?:thanks?|thx|ty|cheers|appreciate|gracias|danke)|شكرا/u.test(t)) return phrase('thanks', lang);
  return phrase('hello', lang);
}
