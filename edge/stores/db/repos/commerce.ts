import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, OrderRow, ProductRow } from '../../../core/ports';
import { orders, products } from '../schema';
import { aad, PLAIN, type Sealing } from '../sealing';
import { anyTermsQuery, batches, likeLiteral, ONCE, type Orm } from './orm';

const productColumns = {
  siteId: products.siteId,
  sku: products.sku,
  name: products.name,
  description: products.description,
  priceCents: products.priceCents,
  currency: products.currency,
  stock: products.stock,
  url: products.url,
};

const orderColumns = {
  siteId: orders.siteId,
  number: orders.number,
  email: orders.email,
  status: orders.status,
  items: orders.items,
  totalCents: orders.totalCents,
  currency: orders.currency,
  carrier: orders.carrier,
  tracking: orders.tracking,
  updatedAt: orders.updatedAt,
};

const MAX_PRODUCT_HITS = 50;

/** Emails are compared trimmed and lowercased, on the way in and on the way out. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function productsRepo(db: Orm): Db['products'] {
  // An answer that names a SKU looks it up: built once.
  const bySku = db
    .select(productColumns)
    .from(products)
    .where(and(eq(products.siteId, sql.placeholder('siteId')), eq(products.sku, sql.placeholder('sku'))))
    .limit(1)
    .prepare(ONCE);
  return {
    async upsert(rows) {
      for (const batch of batches(rows)) {
        await db
          .insert(products)
          .values(batch.map((p) => ({ ...p, updatedAt: sql`now()` })))
          .onConflictDoUpdate({
            target: [products.siteId, products.sku],
            set: {
              name: sql`excluded.name`,
              description: sql`excluded.description`,
              priceCents: sql`excluded.price_cents`,
              currency: sql`excluded.currency`,
              stock: sql`excluded.stock`,
              url: sql`excluded.url`,
              updatedAt: sql`now()`,
            },
          });
      }
    },
    async delete(siteId, skus) {
      for (const batch of batches(skus)) {
        await db.delete(products).where(and(eq(products.siteId, siteId), inArray(products.sku, batch)));
      }
    },
    async get(siteId, sku) {
      const [row] = await bySku.execute({ siteId, sku });
      return row ?? null;
    },
    async search(siteId, query, limit) {
      const text = query.trim();
      const n = Math.min(Math.max(Math.floor(limit), 0), MAX_PRODUCT_HITS);
      if (n === 0 || text === '') return [];
      // Words for descriptions; a substring for names and SKUs that stemming would mangle.
      const q = anyTermsQuery(text);
      const like = `%${likeLiteral(text)}%`;
      const rank = sql`ts_rank_cd(${products.search}, ${q})`;
      const rows: ProductRow[] = await db
        .select(productColumns)
        .from(products)
        .where(
          and(
            eq(products.siteId, siteId),
            sql`(${products.search} @@ ${q} or ${products.name} ilike ${like} or ${products.sku} ilike ${like})`,
          ),
        )
        .orderBy(sql`(${products.name} ilike ${like} or ${products.sku} ilike ${like}) desc`, sql`${rank} desc nulls last`, asc(products.name))
        .limit(n);
      return rows;
    },
  };
}

export function ordersRepo(db: Orm, { cipher }: Sealing = PLAIN): Db['orders'] {
  return {
    async upsert(rows) {
      for (const batch of batches(rows)) {
        const values = await Promise.all(
          batch.map(async (o) => {
            const number = o.number.trim();
            return { ...o, number, email: await cipher.seal(normalizeEmail(o.email), aad.order(o.siteId, number)) };
          }),
        );
        await db
          .insert(orders)
          .values(values)
          .onConflictDoUpdate({
            target: [orders.siteId, orders.number],
            set: {
              email: sql`excluded.email`,
              status: sql`excluded.status`,
              items: sql`excluded.items`,
              totalCents: sql`excluded.total_cents`,
              currency: sql`excluded.currency`,
              carrier: sql`excluded.carrier`,
              tracking: sql`excluded.tracking`,
              updatedAt: sql`excluded.updated_at`,
            },
          });
      }
    },
    async find(siteId, number, email) {
      const num = number.trim();
      const mail = normalizeEmail(email);
      if (num === '' || mail === '') return null;
      // The email may be sealed (random IVs: no equality in SQL), so it is compared here, on the
      // few orders whose number matches in any case.
      const rows = await db
        .select(orderColumns)
        .from(orders)
        .where(and(eq(orders.siteId, siteId), sql`lower(${orders.number}) = lower(${num})`))
        .orderBy(asc(orders.number))
        .limit(20);
      for (const row of rows as OrderRow[]) {
        const email = await cipher.open(row.email, aad.order(row.siteId, row.number));
        if (email === mail) return { ...row, email };
      }
      return null;
    },
  };
}
