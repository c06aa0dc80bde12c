/**
 * The shop's live data inside an answer: product sources carry today's stock and price, and
 * models that call tools may search products and find orders, scoped to the site.
 */
import type { Deps } from '../core/deps';
import type { AnswerTools, Source } from '../core/ports';
import { withLiveProductFacts } from '../products/catalog';

export function withLiveFacts(deps: Pick<Deps, 'db'>, siteId: string, sources: Source[]): Promise<Source[]> {
  return withLiveProductFacts(deps.db, siteId, sources);
}

export function liveTools(deps: Pick<Deps, 'db'>, siteId: string): AnswerTools {
  return {
    searchProducts: (query, limit) => deps.db.products.search(siteId, query, Math.min(limit, 10)),
    findOrder: (number, email) => deps.db.orders.find(siteId, number, email),
  };
}
