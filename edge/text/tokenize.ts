/**
 * Word tokenisation shared by intent, embeddings, reranking and the extractive answerer, so
 * "the same word" means the same thing in every stage.
 */

// Letters, marks and digits of any script; an inner apostrophe keeps "don't" in one piece.
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
// Scripts written without spaces: one token per character (bigrams downstream recover words).
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const UNSPACED_SPLIT = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}])/u;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/giu;
const MONEY = /[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:usd|eur|gbp|dollars?|euros?|pounds?)\b/giu;

/** Lower-cased word tokens. "Customer's" → "customer", "don't" → "dont". */
export function words(text: string): string[] {
  const out: string[] = [];
  const matches = text.toLowerCase().match(WORD);
  if (!matches) return out;
  for (const m of matches) pushWord(out, m);
  return out;
}

function pushWord(out: string[], raw: string): void {
  let w = raw;
  if (w.includes("'") || w.includes('’')) {
    w = w.replace(/['’]s$/u, '').replace(/['’]/gu, '');
  }
  if (UNSPACED.test(w)) {
    // Split runs like "退货政策" into characters but keep any Latin/digit parts whole.
    for (const part of w.split(UNSPACED_SPLIT)) {
      if (part) out.push(part);
    }
    return;
  }
  if (w) out.push(w);
}

/** Token class names, in the token stream in place of the matched text. */
export const TOKEN_CLASS = {
  email: '@email',
  url: '@url',
  money: '#money',
  /** An identifier-like number: order and tracking numbers, long digit runs, "A1234". */
  id: '#id',
  /** A short plain number: quantities, days, sizes. */
  num: '#num',
} as const;

/**
 * Tokens where emails, URLs, amounts and order-number-like strings become class tokens, so a
 * classifier learns "has an order number" instead of memorising numbers.
 */
export function classTokens(text: string): string[] {
  const marked = text
    .replace(URL, ` ${MARK}url `)
    .replace(EMAIL, ` ${MARK}email `)
    .replace(MONEY, ` ${MARK}money `);
  const out: string[] = [];
  for (const w of words(marked)) {
    if (w.startsWith(MARK)) {
      const cls = w.slice(MARK.length) as 'url' | 'email' | 'money';
      out.push(TOKEN_CLASS[cls]);
    } else if (/\d/u.test(w)) {
      out.push(isIdLike(w) ? TOKEN_CLASS.id : TOKEN_CLASS.num);
    } else {
      out.push(w);
    }
  }
  return out;
}

// A placeholder made of letters so WORD keeps it whole; no real text contains it.
const MARK = 'zqxclass';

function isIdLike(w: string): boolean {
  const digits = w.replace(/\D/gu, '').length;
  return digits >= 4 || (digits >= 2 && digits < w.length);
}
