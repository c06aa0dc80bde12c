/**
 * What a question asks about, as stems, and how much of it a piece of text covers: the
 * extractive answerer's measure of "this passage speaks to that question".
 */
import { isQueryNoise, isStopword, stem, words } from '../../text';
import { memoize } from '../../text/memo';
import { withinOneEdit } from '../../text/typos';

/** "What happens if…", "how soon…": the frame of a question, not its topic. */
const FRAME = new Set(['happen', 'happens', 'happened', 'soon']);

/** The question's topic words, stemmed; all its non-stop words when it has no topic word. */
export function questionTerms(question: string): string[] {
  const all = words(question);
  let content = all.filter((w) => !isQueryNoise(w) && !FRAME.has(w));
  if (content.length === 0) content = all.filter((w) => !isStopword(w));
  return [...new Set([...content.map(stem), ...aspectTerms(question)])];
}

/** The stems of a text's words, and the aspects it answers. */
export function stemSet(text: string): ReadonlySet<string> {
  return text.length <= MEMO_TEXT ? knownStems(text) : stemsOf(text);
}

function stemsOf(text: string): Set<string> {
  const out = new Set<string>(textAspects(text));
  for (const w of words(text)) if (!isStopword(w)) out.add(stem(w));
  return out;
}

// The same passages come back question after question: their stems were a tenth of the
// answerer's time. Longer texts (several sources joined) rarely repeat and would crowd the memo.
const MEMO_TEXT = 2000;
const knownStems = memoize(4096, stemsOf);

/** Capitalised words inside a sentence ("Stripe", "Denver", "Gmail"): names, lower-cased. */
export function namesIn(question: string): string[] {
  const out: string[] = [];
  for (const m of question.matchAll(/(?<=[\p{L}\p{N},;:]\s+)(\p{Lu}[\p{L}\p{N}]+)/gu)) out.push(m[1].toLowerCase());
  return out;
}

/** Share of `terms` found in `stems`; a typo of a word of five letters or more (one edit, or two letters swapped) counts 0.6. */
export function coverage(terms: string[], stems: ReadonlySet<string>): number {
  if (terms.length === 0) return 0;
  let hit = 0;
  for (const t of terms) hit += termHit(t, stems);
  return hit / terms.length;
}

/** 1 for the term itself, 0.6 for a typo of it, 0 otherwise; aspect terms match what answers them. */
export function termHit(t: string, stems: ReadonlySet<string>): number {
  if (stems.has(t)) return 1;
  // Short words are a letter apart from other words too often ("late", "later"): typos of longer ones only.
  if (t.length >= 5 && !t.startsWith(ASPECT)) for (const s of stems) if (nearWord(t, s)) return 0.6;
  return 0;
}

/** One insertion, deletion or substitution, or two neighbouring letters swapped ("retrun"). */
export function nearWord(a: string, b: string): boolean {
  return Math.min(a.length, b.length) >= 3 && withinOneEdit(a, b);
}

/**
 * "How much" asks for a price and "how long" for a time, though neither word is in the
 * answer: the question gets an aspect term, and a text with an amount or a duration has it.
 */
const ASPECT = '~';
const ASKS_COST = /\b(?:how much|cost|costs|price|prices|fee|fees|cuánto cuesta|precio|kostet|preis)\b/iu;
const ASKS_TIME = /\b(?:how long|how soon|how many days|when will|when does|when do|cuánto tarda|wie lange|wann)\b/iu;
const HAS_COST = /[$€£]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:usd|eur|dollars?)\b|\bfree\b/iu;
const HAS_TIME = /\b\d+(?:\s?[–-]\s?\d+)?\s+(?:business\s+)?(?:days?|weeks?|hours?|minutes?|months?)\b|\bsame day\b|\bwithin a day\b/iu;

export function aspectTerms(question: string): string[] {
  const out: string[] = [];
  if (ASKS_COST.test(question)) out.push(`${ASPECT}cost`);
  if (ASKS_TIME.test(question)) out.push(`${ASPECT}time`);
  return out;
}

/** The aspect terms a text answers, to add to its stems. */
export function textAspects(text: string): string[] {
  const out: string[] = [];
  if (HAS_COST.test(text)) out.push(`${ASPECT}cost`);
  if (HAS_TIME.test(text)) out.push(`${ASPECT}time`);
  return out;
}
