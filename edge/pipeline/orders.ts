/**
 * The order route: a question about one's own order is answered from the orders table, not
 * from help content, once the order number and the email it was placed with are given.
 *
 * Guessing is limited: failed look-ups are counted per conversation, per address and per
 * order number (someone who knows a number and tries emails). Past a limit the look-up is
 * paused for the rest of the hour with one generic reply, which says nothing about whether
 * the next guess would have matched, even for a right pair.
 */
import type { Deps } from '../core/deps';
import type { Source } from '../core/ports';
import { hashSecret } from '../core/secrets';
import { textParts } from '../core/stream';
import { phrase } from '../language';
import { lookUpOrder, type OrderClues } from '../products/orders';
import type { Question } from './question';

export interface OrderReply {
  sources: Source[];
  confidence: number;
  text: ReturnType<typeof textParts>;
}

/** Failed look-ups allowed per hour before a pause: per conversation, per address, per order number. */
export const ORDER_FAILURES = { conversation: 3, address: 5, number: 5 } as const;
const HOUR = 3600;

export async function answerOrder(
  deps: Pick<Deps, 'db' | 'sessions' | 'clock'>,
  q: Pick<Question, 'siteId' | 'session' | 'address'>,
  clues: OrderClues,
  language: string,
  signal?: AbortSignal,
): Promise<OrderReply> {
  const counters = await failureCounters(q, clues);
  if (counters.length > 0 && (await paused(deps, counters))) return reply(phrase('orderPaused', language), 0.8, [], signal);
  const found = await lookUpOrder(deps.db, q.siteId, clues, language);
  if (found.kind === 'not_found' && counters.length > 0) await countFailure(deps, counters);
  return reply(found.text, found.kind === 'found' ? 0.95 : 0.8, found.kind === 'found' ? [found.source] : [], signal);
}

/**
 * A look-up with both clues is a guess that can fail; what it counts against. The order number
 * is kept in the session store (Redis) only as a digest: its keys are listed in the clear.
 */
async function failureCounters(q: Pick<Question, 'siteId' | 'session' | 'address'>, clues: OrderClues): Promise<{ key: string; limit: number }[]> {
  if (!clues.number || !clues.email) return [];
  const number = (await hashSecret(`${q.siteId}:${clues.number}`)).slice(0, 32);
  const out: { key: string; limit: number }[] = [{ key: `order-num:${q.siteId}:${number}`, limit: ORDER_FAILURES.number }];
  if (q.session) out.push({ key: `order-conv:${q.session}`, limit: ORDER_FAILURES.conversation });
  if (q.address) out.push({ key: `order-addr:${q.address}`, limit: ORDER_FAILURES.address });
  return out;
}

async function paused(deps: Pick<Deps, 'sessions'>, counters: { key: string }[]): Promise<boolean> {
  const locks = await Promise.all(counters.map((c) => deps.sessions.cacheGet<boolean>(`lock:${c.key}`)));
  return locks.some(Boolean);
}

async function countFailure(deps: Pick<Deps, 'sessions'>, counters: { key: string; limit: number }[]): Promise<void> {
  await Promise.all(
    counters.map(async (c) => {
      // The failure that reaches the limit starts the pause: the next guess meets it.
      const wait = await deps.sessions.rateLimit(c.key, c.limit - 1, HOUR);
      if (wait > 0) await deps.sessions.cacheSet(`lock:${c.key}`, true, wait);
    }),
  );
}

function reply(text: string, confidence: number, sources: Source[], signal?: AbortSignal): OrderReply {
  // Asking for the missing number or email is a sure reply too, if a less final one.
  return { sources, confidence, text: textParts(text, signal) };
}
