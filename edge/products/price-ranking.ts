/**
 * "What's your cheapest tent?", "Which pack is the most expensive?": questions the catalogue's
 * prices answer exactly. Retrieval alone ranks products by how well their text matches, so an
 * answer built on it quotes whichever product ranks first, with its price, as if it were the
 * cheapest. Here the products of the kind asked for are compared by the products table itself.
 *
 * It answers only when the question is about price order and nothing else ("Is the cheapest tent
 * waterproof?" is a question for the content), and only when the kind names at least two
 * products of one currency; otherwise the question takes the usual path.
 */
import type { ProductRow, Source } from '../core/ports';
import { phrase } from '../language';
import { isStopword, stem, words } from '../text';
import { availabilityLine, priceLine } from './catalog';
import { formatMoney } from './money';

export type PriceOrder = 'least' | 'most';

/** Products an answer names: the cheapest (or dearest) and the next after it. */
const LISTED = 5;

export interface PriceQuestion {
  order: PriceOrder;
  /** The kind of product asked for, as stems ("tent"; "sleep", "bag"). */
  kind: string[];
  /** …and as written, to search the catalogue with. */
  words: string[];
  /** "…in stock?": only what can be bought today. */
  inStock: boolean;
}

const LEAST = /\b(?:cheapest|least (?:expensive|costly)|lowest[- ]priced?|most (?:affordable|inexpensive)|m[aá]s (?:barat|econ[oó]mic)[oa]s?|g[uü]nstigste[nrs]?|billigste[nrs]?|preiswerteste[nrs]?)\b|أرخص/iu;
const IN_STOCK = /\b(?:in stock|available|en stock|disponibles?|auf lager|vorrätig|lieferbar)\b|متوفر/iu;
const MOST = /\b(?:most (?:expensive|costly)|priciest|highest[- ]priced?|m[aá]s car[oa]s?|teuerste[nrs]?)\b|أغلى/iu;

/** Words that ask without naming what is asked about ("what is the cheapest tent you sell?"). */
const ASKING = new Set(
  ['what', 'whats', 'which', 'is', 'are', 'your', 'you', 'do', 'does', 'have', 'sell', 'carry', 'stock', 'offer', 'show', 'me', 'find', 'tell',
    'one', 'ones', 'option', 'model', 'we', 'our', 'can', 'i', 'buy', 'get', 'please', 'there', 'available', 'here', 'shop', 'store',
    'cuál', 'cual', 'qué', 'que', 'es', 'son', 'el', 'la', 'los', 'las', 'tienen', 'venden', 'welche', 'welcher', 'welches', 'was', 'ist', 'sind', 'der', 'die', 'das', 'ihr', 'habt', 'haben', 'sie']
    .map(stem),
);

/** The price order a question asks for and the kind of product it names, or null when it asks something else. */
export function priceQuestion(text: string): PriceQuestion | null {
  const least = LEAST.exec(text);
  const most = least ? null : MOST.exec(text);
  const hit = least ?? most;
  if (!hit) return null;
  const rest = text.slice(0, hit.index) + ' ' + text.slice(hit.index + hit[0].length);
  const inStock = IN_STOCK.exec(rest);
  const named = words(inStock ? rest.replace(inStock[0], ' ') : rest).filter((w) => !isStopword(w) && !ASKING.has(stem(w)));
  return named.length > 0 ? { order: least ? 'least' : 'most', kind: named.map(stem), words: named, inStock: inStock !== null } : null;
}

/**
 * The products of the kind asked for, or null when the question names something they do not
 * all account for, or fewer than two products, or prices in more than one currency.
 */
export function ofKind(q: PriceQuestion, products: ProductRow[]): ProductRow[] | null {
  const matched = products.filter((p) => q.kind.some((k) => sameNoun(k, headNoun(p.name))));
  if (matched.length < 2) return null;
  const named = new Set(matched.flatMap((p) => words(p.name).map(stem)));
  if (!q.kind.every((k) => named.has(k) || matched.some((p) => sameNoun(k, headNoun(p.name))))) return null;
  if (new Set(matched.map((p) => p.currency)).size > 1) return null;
  return matched;
}

/**
 * The answer: the cheapest (or dearest) first, ties together, then the next ones in order (five
 * named in all), each cited.
 * Asked for what is in stock, it ranks those alone and says so, when two or more are; with fewer
 * it ranks them all, each marked out of stock where it is.
 */
export function describePriceRanking(asked: Pick<PriceQuestion, 'order' | 'inStock'>, all: ProductRow[], lang: string): { text: string; sources: Source[] } {
  const order = asked.order;
  const stocked = all.filter((p) => p.stock > 0);
  const inStock = asked.inStock && stocked.length >= 2;
  const products = inStock ? stocked : all;
  const sign = order === 'least' ? 1 : -1;
  // The first few answer the question; forty more would bury it (and its sources) in a list.
  const sorted = [...products].sort((a, b) => sign * (a.priceCents - b.priceCents) || a.name.localeCompare(b.name)).slice(0, LISTED);
  const sources = sorted.map((p, i) => productSource(p, i + 1));
  const price = (p: ProductRow) => formatMoney(p.priceCents, p.currency, lang);
  const top = sorted.filter((p) => p.priceCents === sorted[0].priceCents);
  const parts: string[] = [];
  if (top.length === 1) {
    const key = inStock ? (order === 'least' ? 'priceLeastInStock' : 'priceMostInStock') : order === 'least' ? 'priceLeast' : 'priceMost';
    parts.push(phrase(key, lang, { name: top[0].name, price: price(top[0]), n: '1' }));
    if (top[0].stock <= 0) parts.push(phrase('priceOutOfStock', lang));
  } else {
    const names = list(top.map((p, i) => `${p.name} [${i + 1}]`), lang);
    parts.push(phrase(order === 'least' ? 'priceLeastTied' : 'priceMostTied', lang, { names, price: price(top[0]) }));
  }
  const rest = sorted.slice(top.length).map((p, i) => phrase(p.stock > 0 ? 'priceItem' : 'priceItemOut', lang, { name: p.name, price: price(p), n: String(top.length + i + 1) }));
  if (rest.length > 0) parts.push(phrase('priceNext', lang, { list: rest.join('; ') }));
  return { text: parts.join(' '), sources };
}

/** A product as a source: the lines its indexed document has, with today's price and stock. */
function productSource(p: ProductRow, n: number): Source {
  const text = [p.name, p.description, priceLine(p), availabilityLine(p), `SKU: ${p.sku}`].filter(Boolean).join('\n');
  return { n, title: p.name, ...(p.url ? { url: p.url } : {}), text, kind: 'product' };
}

/** What a product is, from its name: the last word before any "(…)", as a stem ("Ridgeline 60 Pack" → "pack"). */
function headNoun(name: string): string {
  const plain = words(name.replace(/\([^)]*\)/gu, ' ')).filter((w) => /^\p{L}+$/u.test(w));
  return stem(plain.at(-1) ?? '');
}

/** "pack" names a daypack and a backpack too: the same word, or the same last four letters or more. */
function sameNoun(a: string, b: string): boolean {
  if (a === b) return a.length > 0;
  if (a.length < 4 || b.length < 4) return false;
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n >= 4;
}

function list(items: string[], lang: string): string {
  try {
    return new Intl.ListFormat(lang, { type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}
