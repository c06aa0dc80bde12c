/**
 * First stage of the pipeline: make the visitor's text safe and canonical before anything
 * reads it, and derive the cache key form.
 */
export interface Preprocessed {
  /** The cleaned text the pipeline reads and stores. */
  text: string;
  /** Cache key form: lower-case, no punctuation, single spaces. */
  normalized: string;
  /** True when `text` was cut to `maxChars`. */
  truncated: boolean;
}

// C0/C1 controls, format characters (zero-width space/joiners, bidi overrides, BOM) and
// the line/paragraph separators: invisible, and a way to smuggle text past filters.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const WHITESPACE_CONTROL = /[\t\n\v\f\r\u0085]/gu;
const SPACES = /\s+/gu;
const APOSTROPHES = /['’‘`´]/gu;
const PUNCTUATION = /\p{P}+/gu;

export function preprocess(input: string, maxChars: number): Preprocessed {
  let text = input
    .normalize('NFKC')
    .replace(WHITESPACE_CONTROL, ' ')
    .replace(INVISIBLE, '')
    .replace(SPACES, ' ')
    .trim();
  let truncated = false;
  if (text.length > maxChars) {
    text = capOnWordBoundary(text, maxChars);
    truncated = true;
  }
  return { text, normalized: normalize(text), truncated };
}

/** The cache key form of already-cleaned text: "Where's my order??" → "wheres my order". */
export function normalize(text: string): string {
  return text.toLowerCase().replace(APOSTROPHES, '').replace(PUNCTUATION, ' ').replace(SPACES, ' ').trim();
}

function capOnWordBoundary(text: string, maxChars: number): string {
  if (maxChars <= 0) return '';
  let cut = text.slice(0, maxChars);
  // Never leave half a surrogate pair.
  if (/[\uD800-\uDBFF]$/u.test(cut)) cut = cut.slice(0, -1);
  if (text[maxChars] === ' ') return cut.trimEnd();
  const space = cut.lastIndexOf(' ');
  // A single giant "word" (a pasted token, a URL) is cut hard rather than dropped.
  return (space > maxChars / 2 ? cut.slice(0, space) : cut).trimEnd();
}
