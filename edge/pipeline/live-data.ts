/**
 * The shop's live data inside an answer: product sources carry today's stock and price, and
 * models that call tools may search products and find orders, scoped to the site.
 *
 * A model's order look-up obeys the visitor, not the model: it runs only for an order number
 * and an email the visitor wrote themselves in this conversation (never ones a help article,
 * a product description or another order put in front of the model), and it goes through the
 * order route's own look-up (`answerOrder`), so its failures count toward the same pauses.
 */
import type { Deps } from '../core/deps';
import type { AnswerTools, Source } from '../core/ports';
import { withLiveProductFacts } from '../products/catalog';
import { answerOrder } from './orders';
import type { Question } from './question';

export function withLiveFacts(deps: Pick<Deps, 'db'>, siteId: string, sources: Source[]): Promise<Source[]> {
  return withLiveProductFacts(deps.db, siteId, sources);
}

export interface LiveToolsAsker extends Pick<Question, 'siteId' | 'session' | 'address'> {
  /** What the visitor wrote in this conversation: this message and the earlier ones. */
  said: string[];
  language: string;
}

export function liveTools(deps: Pick<Deps, 'db' | 'sessions' | 'clock'>, asker: LiveToolsAsker): AnswerTools {
  return {
    searchProducts: (query, limit) => deps.db.products.search(asker.siteId, query, Math.min(limit, 10)),
    findOrder: async (number, email) => {
      if (!namedByVisitor(asker.said, number, email)) return null;
      const clues = { number: number.trim().toUpperCase(), email: email.trim().toLowerCase() };
      const checked = await answerOrder(deps, asker, clues, asker.language);
      if (checked.sources.length === 0) return null; // not found (counted), or look-ups paused
      return deps.db.orders.find(asker.siteId, clues.number, clues.email);
    },
  };
}

const EMAILS = /[^\s@<>()[\],;:"']+@[^\s@<>()[\],;:"']+\.[\p{L}]{2,}/giu;

/** Whether the visitor wrote this very email, and this order number (spacing, case and "#" aside). */
export function namedByVisitor(said: string[], number: string, email: string): boolean {
  const text = said.join('\n');
  const mail = email.trim().toLowerCase();
  const compact = (s: string) => s.toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');
  const num = compact(number);
  const written = new Set([...text.matchAll(EMAILS)].map((m) => m[0].toLowerCase().replace(/[.]+$/, '')));
  return num.length > 0 && written.has(mail) && compact(text).includes(num);
}
