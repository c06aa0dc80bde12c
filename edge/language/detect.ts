/**
 * Which language a visitor writes in. ELD (n-gram statistics, its extra-small database: tinyld
 * took plain English help text for Dutch) reads the text; a message too short to tell
 * ("ok", "danke", an order number) falls back to what the visitor wrote before, then to the
 * browser's locale, then to English.
 */
import { eld } from 'eld/extrasmall';
import { memoize } from '../text/memo';

const detector = eld.newInstance();
/** Languages a shop's visitors commonly write in: restricting the guess keeps short texts from landing on rare ones. */
detector.setLanguageSubset(['en', 'es', 'de', 'fr', 'it', 'pt', 'nl', 'ar', 'pl', 'sv', 'da', 'nb', 'fi', 'tr', 'ru', 'uk', 'ja', 'zh', 'ko', 'he', 'hi']);

/** Below this many letters a guess from the text alone is a coin toss. */
const MIN_LETTERS = 12;

/** The language of the text, and whether ELD calls its guess reliable. */
function detect(text: string): { language: string; reliable: boolean } {
  const result = detector.detect(text);
  return { language: result.language, reliable: result.language !== '' && result.isReliable() };
}

export interface LanguageHints {
  /** The visitor's earlier messages, newest first. */
  earlier?: string[];
  /** The browser's locale from `hello`, e.g. "de-AT". */
  locale?: string;
}

/** ISO 639-1 code of the text's language. */
export function detectLanguage(text: string, hints: LanguageHints = {}): string {
  const letters = text.replace(/[^\p{L}]/gu, '').length;
  // Arabic script is unambiguous even in one word.
  if (/\p{Script=Arabic}/u.test(text)) return 'ar';
  // A string of nouns has no grammar to go by: ELD read "cheapest sleeping bag" as Danish, but
  // not reliably, and an unreliable guess must not turn the reply's own sentences into Danish.
  const guess = letters > 0 ? detect(lettersOnly(text)) : null;
  if (guess?.reliable && letters >= MIN_LETTERS) return guess.language;
  for (const e of hints.earlier ?? []) {
    if (e.replace(/[^\p{L}]/gu, '').length < MIN_LETTERS) continue;
    if (/\p{Script=Arabic}/u.test(e)) return 'ar';
    const before = detect(lettersOnly(e));
    if (before.reliable) return before.language;
  }
  const fromLocale = baseLanguage(hints.locale);
  if (fromLocale) return fromLocale;
  // A word or two ("gracias") is the best there is; a longer text ELD cannot call is most likely
  // English nouns, which it reads worst.
  return (guess?.reliable || letters < MIN_LETTERS) && guess?.language ? guess.language : 'en';
}

/** The language most of a few passages of help content are in, or null when it cannot tell. */
export function contentLanguage(texts: string[]): string | null {
  const votes = new Map<string, number>();
  for (const text of texts) {
    const lang = passageLanguage(text);
    if (lang) votes.set(lang, (votes.get(lang) ?? 0) + 1);
  }
  let best: string | null = null;
  let voters = 0;
  for (const [lang, n] of votes) {
    voters += n;
    if (best === null || n > votes.get(best)!) best = lang;
  }
  // One passage alone is too little to tell a site's language by: a guess must win most of several.
  return best !== null && votes.get(best)! >= 2 && votes.get(best)! * 2 > voters ? best : null;
}

/** A passage's language, or null when it has too few letters to tell; passages recur, so remembered. */
const passageLanguage = memoize(4096, (text): string | null => {
  // Prices, tables and codes are no language, and tip the guess toward odd ones ("| $6.95 |" reads as Hindi).
  const sample = lettersOnly(text).slice(0, 600);
  return sample.length < 40 ? null : detect(sample).language || null;
});

function lettersOnly(text: string): string {
  // Emails, links and order numbers first: "ines.carvalho@example.com" is no language either.
  return text.replace(/\S*(?:@|\/\/|\d)\S*/gu, ' ').replace(/[^\p{L}\p{M}\s]+/gu, ' ').replace(/\s+/gu, ' ').trim();
}

/** "de-AT" → "de"; nothing usable → null. */
export function baseLanguage(locale: string | undefined): string | null {
  const m = locale ? /^([a-z]{2,3})(?:[-_]|$)/i.exec(locale.trim()) : null;
  return m ? m[1].toLowerCase() : null;
}
