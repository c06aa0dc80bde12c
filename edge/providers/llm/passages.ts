/**
 * The passage of a source that answers a question, as the source says it: an FAQ's answer
 * whole (its qualifiers are part of the answer), or a run of consecutive sentences of one
 * section of a document, starting where a sentence starts. Never a sentence cut mid-clause,
 * never sentences from different places stitched together.
 */
import type { Source } from '../../core/ports';
import { PASSAGE_JOIN } from '../../core/sources';
import { splitSentences } from '../../text';
import { memoize } from '../../text/memo';
import { coverage, stemSet } from './terms';

export interface Passage {
  source: Source;
  text: string;
  /** Share of the question's terms the passage (and for an FAQ, its question) covers. */
  match: number;
  /** The FAQ's own question, when the source is an FAQ. */
  faqQuestion?: string;
}

const MAX_SENTENCES = 4;
const MAX_WORDS = 80;
/** Sentences that lean on the one before: taking one alone would drop what it refers to. */
const LEANS_BACK = /^(?:it|this|that|these|those|they|then|also|but|however|otherwise|so|there|such|both|either|each)\b/iu;
/** "My jacket leaks, what can I do?": the remedy, which follows the diagnosis the question matches. */
const ASKS_REMEDY = /\b(?:what (?:can|should|do) (?:i|we) do|how (?:do|can|should) (?:i|we) (?:fix|repair|stop|solve|mend)|how to (?:fix|repair|stop|solve|mend)|what now)\b/iu;
/** A sentence that refers back anywhere in it ("Tumble dry … to revive it."). */
const MENTIONS_BACK = /\b(?:it|them|that|this|these|those)\b/iu;
/** Sentences that qualify the one before ("Only…", "Unless…"): they stay with it. */
const QUALIFIES = /^(?:but|however|only|unless|except|as long as|if|when|once|depending|otherwise|note|please note|this|that|it|they)\b/iu;

/** An FAQ source's question and answer: its title is the question, its text the question then the answer. */
export function faqParts(source: Source): { question: string; answer: string } | null {
  if (source.kind !== 'faq') return null;
  const text = source.text.trim();
  const title = source.title.trim();
  if (title && text.toLowerCase().startsWith(title.toLowerCase())) {
    const answer = text.slice(title.length).trim();
    if (answer) return { question: title, answer };
  }
  const m = /^\s*(?:q(?:uestion)?\s*[:.]\s*)?([^?\n]{3,300}\?)\s*(?:a(?:nswer)?\s*[:.]\s*)?([\s\S]+)$/iu.exec(text);
  if (m && m[2].trim()) return { question: m[1].trim(), answer: m[2].trim() };
  return { question: title, answer: text };
}

/** Whether a question asks what to do about something, so a passage goes on to the remedy. */
export function asksRemedy(question: string): boolean {
  return ASKS_REMEDY.test(question);
}

/** The best passage of `source` for `terms`, or null when it has no readable sentence. */
export function bestPassage(source: Source, terms: string[], o: { remedy?: boolean } = {}): Passage | null {
  const faq = faqParts(source);
  if (faq) {
    // The whole answer, every sentence of it: a short "Yes." or a qualifier is part of it.
    const text = splitSentences(unwrap(faq.answer.split(PASSAGE_JOIN)[0])).map(plain).filter(Boolean).join(' ');
    if (!text) return null;
    const match = coverage(terms, stemSet(`${faq.question} ${text}`));
    return { source, text, match, faqQuestion: faq.question };
  }
  if (source.kind === 'product') return productPassage(source, terms);
  let best: Passage | null = null;
  for (const segment of source.text.split(PASSAGE_JOIN)) {
    // A joined passage from another section starts with that section's title (context.ts).
    const [first, ...rest] = segment.split('\n');
    const titled = rest.length > 0 && (first.includes(' › ') || isHeading(first.trim()));
    const titleStems = stemSet(titled ? first : source.title);
    const picked = window(readable(titled ? rest.join('\n') : segment), terms, o.remedy === true);
    if (!picked) continue;
    const stems = new Set([...picked.stems, ...titleStems]);
    const match = 0.7 * coverage(terms, picked.stems) + 0.3 * coverage(terms, stems);
    if (!best || match > best.match) best = { source, text: picked.text, match };
  }
  return best;
}

/**
 * A product answers with what it is (when the question asks more than its name), whether it is
 * in stock and what it costs: the facts people ask a shop for, from the products table's lines.
 */
function productPassage(source: Source, terms: string[]): Passage | null {
  const lines = source.text.split('\n').map((l) => l.trim());
  const line = (label: string) => lines.find((l) => l.startsWith(`${label}: `))?.slice(label.length + 2);
  const price = line('Price');
  const stock = line('Availability');
  const description = lines.slice(1).find((l) => l && !/^(?:Price|Availability|SKU): /u.test(l));
  const facts: string[] = [];
  const described = description ? readable(description) : [];
  const about = described.find((d) => terms.some((t) => d.stems.has(t) && !stemSet(source.title).has(t)));
  if (about) facts.push(about.text);
  // Lines written at ingest ("in stock", "$279.00 (USD)") are not sentences: say them as one.
  if (stock) facts.push(/^the /iu.test(stock) ? capitalise(stock) : `${source.title}: ${stock}.`);
  if (price) facts.push(/^the /iu.test(price) ? capitalise(price) : `Price: ${price}.`);
  if (facts.length === 0) return null;
  const text = facts.join(' ');
  return { source, text, match: coverage(terms, stemSet(`${source.title} ${text}`)) };
}

function capitalise(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

interface Sentence {
  text: string;
  stems: ReadonlySet<string>;
  words: number;
}

/**
 * The run of sentences that covers the question best, the one before it when it leans back on
 * it, and the ones after it that qualify it or go on about the question (for a question asking
 * for a remedy, any that refer back to it): within one segment.
 */
function window(sentences: readonly Sentence[], terms: string[], remedy: boolean): { text: string; stems: Set<string> } | null {
  if (sentences.length === 0) return null;
  // The run of up to MAX_SENTENCES that covers most of the question; the shortest, then the first, among equals.
  let start = 0;
  let end = 1;
  let bestScore = -1;
  for (let i = 0; i < sentences.length; i++) {
    const stems = new Set<string>();
    let wordCount = 0;
    for (let j = i; j < sentences.length && j - i < MAX_SENTENCES; j++) {
      wordCount += sentences[j].words;
      if (j > i && wordCount > MAX_WORDS) break;
      for (const x of sentences[j].stems) stems.add(x);
      const score = coverage(terms, stems) - 0.01 * (j - i);
      if (score > bestScore + 1e-9) {
        bestScore = score;
        start = i;
        end = j + 1;
      }
    }
  }
  const covers = (s: Sentence) => terms.some((t) => s.stems.has(t));
  let wordCount = sentences.slice(start, end).reduce((n, s) => n + s.words, 0);
  // Back: the sentence it refers to ("We process them…").
  while (start > 0 && end - start < MAX_SENTENCES && refersBack(sentences[start].text)) {
    if (wordCount + sentences[start - 1].words > MAX_WORDS) break;
    wordCount += sentences[start - 1].words;
    start -= 1;
  }
  // On: what qualifies it, or goes on about the question ("Your bank then takes…").
  while (end < sentences.length && end - start < MAX_SENTENCES) {
    const next = sentences[end];
    if (!covers(next) && !QUALIFIES.test(next.text) && !refersBack(next.text) && !(remedy && MENTIONS_BACK.test(next.text))) break;
    if (wordCount + next.words > MAX_WORDS) break;
    wordCount += next.words;
    end += 1;
  }
  const picked = sentences.slice(start, end);
  const stems = new Set<string>();
  for (const s of picked) for (const x of s.stems) stems.add(x);
  return { text: picked.map((s) => s.text).join(' '), stems };
}

/** "This…", "It…", "We process them…", "Your bank then…": the sentence leans on the one before. */
function refersBack(text: string): boolean {
  if (LEANS_BACK.test(text)) return true;
  const head = text.split(/\s+/u).slice(0, 4).join(' ');
  return /\b(?:it|them|they|this|these|those|then|there|such)\b/iu.test(head);
}

/**
 * The sentences of a segment that read as prose on their own: no headings, no fragments. The
 * same passages answer question after question: split (Intl.Segmenter) and judged once each.
 */
const readable = memoize(4096, (segment: string): readonly Sentence[] => sentencesOf(segment));

function sentencesOf(segment: string): Sentence[] {
  const raw = splitSentences(unwrap(segment));
  const out: Sentence[] = [];
  raw.forEach((r, i) => {
    const text = plain(r);
    if (!text) return;
    // A segment cut at a budget or chunk boundary can start or end mid-sentence.
    if (i === 0 && startsMidClause(text)) return;
    if (i === raw.length - 1 && i > 0 && !/[.!?)"'”]$/u.test(text)) return;
    if (isHeading(text) || isTableRow(r)) return;
    out.push({ text: /[.!?)"'”]$/u.test(text) ? text : `${text}.`, stems: stemSet(text), words: countWords(text) });
  });
  return out;
}

/**
 * Text wrapped at a fixed width keeps its line breaks, and a line break ends a sentence for
 * the splitter: join wrapped lines, keeping breaks before list items, table rows and blank lines.
 */
export function unwrap(text: string): string {
  return text.replace(/([^\n|])\n(?![\n|]|\s*(?:[-*+•]|\d+[.)])\s)/gu, '$1 ');
}

/** "to the address in the portal, and…": lower case, or punctuation, where a sentence would start. */
export function startsMidClause(text: string): boolean {
  return /^[\p{Ll},;:)\]–—-]/u.test(text);
}

/** "| Standard | US | $6.95 |": a table reads as nonsense when quoted as a sentence. */
function isTableRow(raw: string): boolean {
  return (raw.match(/\|/gu) ?? []).length >= 2;
}

function isHeading(text: string): boolean {
  if (text.endsWith('?') || text.endsWith(':')) return true;
  const n = countWords(text);
  if (n < 3) return true;
  return !/[.!)"'”]$/u.test(text) && n < 7;
}

/** Markdown, list syntax and footnote marks off, so the answer reads as prose. */
export function plain(sentence: string): string {
  return sentence
    .replace(/!?\[([^\]]*)\]\([^)]*\)/gu, '$1')
    .replace(/(\*\*|__|`)/gu, '')
    // Bracketed numbers in the source would read as citations of other sources.
    .replace(/\s*\[\d{1,3}\]/gu, '')
    .replace(/^\s*(?:#{1,6}\s+|[-*+•]\s+|\d+[.)]\s+|>\s*)/u, '')
    .replace(/^…\s*|\s*…$/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

export function countWords(text: string): number {
  return text.split(/\s+/u).filter(Boolean).length;
}
