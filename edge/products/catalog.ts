import type { Db, ProductRow, Source } from '../core/ports';
import { formatMoney } from './money';

const SKU_LINE = /^SKU: (\S+)$/m;

/**
 * Product documents are indexed with the price and availability of ingest time; stock moves
 * faster than anyone re-ingests, so the numbers an answer quotes come from the products table.
 */
export async function withLiveProductFacts(db: Db, siteId: string, sources: Source[]): Promise<Source[]> {
  return Promise.all(
    sources.map(async (s) => {
      const sku = s.kind === 'product' ? s.text.match(SKU_LINE)?.[1] : undefined;
      if (!sku) return s;
      const product = await db.products.get(siteId, sku);
      if (!product) return s;
      return { ...s, text: s.text.replace(/^Price: .*$/m, priceLine(product)).replace(/^Availability: .*$/m, availabilityLine(product)) };
    }),
  );
}

export function priceLine(p: ProductRow): string {
  return `Price: the ${p.name} costs ${formatMoney(p.priceCents, p.currency)}.`;
}

export function availabilityLine(p: ProductRow): string {
  return p.stock > 0
    ? `Availability: the ${p.name} is in stock (${p.stock} left).`
    : `Availability: the ${p.name} is out of stock at the moment.`;
}
