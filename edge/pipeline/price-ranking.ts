/**
 * The price route: "what's your cheapest tent?" answered from the products table
 * (edge/products/price-ranking.ts) instead of retrieval, which ranks products by their wording,
 * not by their price. Questions it cannot answer exactly go on to retrieval as before.
 */
import type { Deps } from '../core/deps';
import { textParts } from '../core/stream';
import { describePriceRanking, ofKind, priceQuestion } from '../products/price-ranking';
import type { OrderReply } from './orders';

/** The most products one search returns (the store's own cap): a full page may be a cut list. */
const SEARCHED = 50;

export async function answerPriceRanking(deps: Pick<Deps, 'db'>, siteId: string, text: string, language: string, signal?: AbortSignal): Promise<OrderReply | null> {
  const asked = priceQuestion(text);
  if (!asked) return null;
  const found = await deps.db.products.search(siteId, asked.words.join(' '), SEARCHED);
  // With a full page the cheapest may be among those not returned: no claim is better than a wrong one.
  if (found.length >= SEARCHED) return null;
  const products = ofKind(asked, found);
  if (!products) return null;
  const { text: answer, sources } = describePriceRanking(asked.order, products, language);
  return { sources, confidence: 0.9, text: textParts(answer, signal) };
}
