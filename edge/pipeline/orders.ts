/**
 * The order route: a question about one's own order is answered from the orders table, not
 * from help content, once the order number and the email it was placed with are given.
 */
import type { Deps } from '../core/deps';
import type { Source } from '../core/ports';
import { textParts } from '../core/stream';
import { lookUpOrder, type OrderClues } from '../products/orders';

export interface OrderReply {
  sources: Source[];
  confidence: number;
  text: ReturnType<typeof textParts>;
}

export async function answerOrder(deps: Pick<Deps, 'db'>, siteId: string, clues: OrderClues, language: string, signal?: AbortSignal): Promise<OrderReply> {
  const found = await lookUpOrder(deps.db, siteId, clues, language);
  return {
    sources: found.kind === 'found' ? [found.source] : [],
    // Asking for the missing number or email is a sure reply too, if a less final one.
    confidence: found.kind === 'found' ? 0.95 : 0.8,
    text: textParts(found.text, signal),
  };
}
