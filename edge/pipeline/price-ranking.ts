/**
 * The price route: "what's your cheapest tent?" answered from the products table
 * (edge/products/price-ranking.ts) instead of retrieval, which ranks products by their wording,
 * not by their price. Questions it cannot answer exactly go on to retrieval as before.
 */
import type { Deps } from '../core/deps';
import type { ProductRow } from '../core/ports';
import { textParts } from '../core/stream';
import { describePriceRanking, ofKind, priceQuestion } from '../products/price-ranking';
import type { OrderReply } from './orders';

/** The most products one search returns (the store's own cap): a full page may be a cut list. */
const SEARCHED = 50;

export async function answerPriceRanking(deps: Pick<Deps, 'db'>, siteId: string, text: string, language: string, signal?: AbortSignal): Promise<OrderReply | null> {
  const asked = priceQuestion(text);
  if (!asked) return null;
  const search = async (query: string) => {
    const rows = await deps.db.products.search(siteId, query, SEARCHED);
    // With a full page the cheapest may be among those not returned: no claim is better than a wrong one.
    return rows.length >= SEARCHED ? null : rows;
  };
  const found = await search(asked.words.join(' '));
  if (!found) return null;
  let products = ofKind(asked, found);
  if (!products) {
    // "backpack" when the catalogue names them "Pack" and "Daypack": their names share the word's end.
    const tails = [...new Set(asked.kind.filter((k) => k.length > 4).map((k) => k.slice(-4)))];
    const more: ProductRow[] = [];
    for (const rows of await Promise.all(tails.map(search))) {
      if (!rows) return null;
      more.push(...rows);
    }
    products = ofKind(asked, unique([...found, ...more]));
  }
  if (!products) return null;
  const { text: answer, sources } = describePriceRanking(asked, products, language);
  return { sources, confidence: 0.9, text: textParts(answer, signal) };
}

function unique(rows: ProductRow[]): ProductRow[] {
  return [...new Map(rows.map((p) => [p.sku, p])).values()];
}
