import type { Db, OrderRow, Source } from '../core/ports';
import { phrase, statusName } from '../language';

const ORDER_NUMBER = /(?:^|[^\w@.-])#?([A-Z]{2,4}-?\d{4,8}|\d{5,10})(?![\w@-])/i;
const EMAIL = /[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[a-z]{2,}/i;

export interface OrderClues {
  number: string | null;
  email: string | null;
}

/** Looks for an order number and an email in the newest text first, then in earlier turns. */
export function findOrderClues(texts: string[]): OrderClues {
  let number: string | null = null;
  let email: string | null = null;
  for (const text of texts) {
    email ??= text.match(EMAIL)?.[0]?.toLowerCase() ?? null;
    // An email's digits must not read as an order number.
    number ??= text.replace(EMAIL, ' ').match(ORDER_NUMBER)?.[1]?.toUpperCase() ?? null;
    if (number && email) break;
  }
  return { number, email };
}

export type OrderLookup =
  | { kind: 'found'; order: OrderRow; source: Source; text: string }
  | { kind: 'not_found'; text: string }
  | { kind: 'need'; text: string };

/**
 * Order status needs both the number and the buyer's email, so that guessing a number
 * does not reveal somebody else's order.
 */
export async function lookUpOrder(db: Db, siteId: string, clues: OrderClues, lang = 'en'): Promise<OrderLookup> {
  if (!clues.number || !clues.email) {
    const need = !clues.number && !clues.email ? 'orderNeedBoth' : !clues.number ? 'orderNeedNumber' : 'orderNeedEmail';
    return { kind: 'need', text: phrase(need, lang) };
  }
  const order = await db.orders.find(siteId, clues.number, clues.email);
  if (!order) {
    return { kind: 'not_found', text: phrase('orderNotFound', lang, { number: clues.number, email: clues.email }) };
  }
  const facts = describeOrder(order, lang);
  return {
    kind: 'found',
    order,
    source: { n: 1, title: `Order ${order.number}`, url: undefined, text: describeOrder(order, 'en'), kind: 'doc' },
    text: `${facts} [1]`,
  };
}

function describeOrder(o: OrderRow, lang: string): string {
  const items = o.items.map((i) => `${i.qty} × ${i.name}`).join(', ');
  const total = `${(o.totalCents / 100).toFixed(2)} ${o.currency}`;
  const status = phrase('orderFound', lang, { number: o.number, items, total, status: statusName(o.status, lang) });
  return o.carrier && o.tracking ? `${status} ${phrase('orderTracking', lang, { carrier: o.carrier, tracking: o.tracking })}` : status;
}
