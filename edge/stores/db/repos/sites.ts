import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db, Site } from '../../../core/ports';
import { readSettings } from '../../../core/sites/settings';
import { documents, orders, products, sites } from '../schema';
import type { Orm } from './orm';

const columns = {
  id: sites.id,
  name: sites.name,
  allowedOrigins: sites.allowedOrigins,
  publicKey: sites.publicKey,
  secretKey: sites.secretKey,
  settings: sites.settings,
};

type Row = { [K in keyof typeof columns]: (typeof columns)[K]['_']['data'] | null };

function toSite(row: Row): Site {
  return {
    id: row.id!,
    name: row.name!,
    allowedOrigins: row.allowedOrigins ?? [],
    publicKey: row.publicKey,
    secretKey: row.secretKey,
    settings: readSettings(row.settings),
  };
}

/** Only what the caller gave: an upsert from ingest must not wipe keys or settings. */
function given(site: Partial<Omit<Site, 'id'>>) {
  return {
    ...(site.name !== undefined ? { name: site.name } : {}),
    ...(site.allowedOrigins !== undefined ? { allowedOrigins: site.allowedOrigins } : {}),
    ...(site.publicKey !== undefined ? { publicKey: site.publicKey } : {}),
    ...(site.secretKey !== undefined ? { secretKey: site.secretKey } : {}),
    ...(site.settings !== undefined ? { settings: site.settings as Record<string, unknown> } : {}),
  };
}

/** `deleted(siteId)` hears of a site deleted with its documents, for what is kept of them in memory. */
export function sitesRepo(db: Orm, deleted: (siteId: string) => void = () => {}): Db['sites'] {
  return {
    async list() {
      return (await db.select(columns).from(sites).orderBy(asc(sites.id))).map(toSite);
    },
    async get(id) {
      const [row] = await db.select(columns).from(sites).where(eq(sites.id, id)).limit(1);
      return row ? toSite(row) : null;
    },
    async upsert(site) {
      const set = given(site);
      await db
        .insert(sites)
        .values({ id: site.id, ...set, name: site.name, allowedOrigins: site.allowedOrigins })
        .onConflictDoUpdate({ target: sites.id, set });
    },
    async delete(id) {
      return db.transaction(async (tx) => {
        await tx.delete(documents).where(eq(documents.siteId, id));
        await tx.delete(products).where(eq(products.siteId, id));
        await tx.delete(orders).where(eq(orders.siteId, id));
        // Conversations and agents go by their foreign keys' cascade.
        const gone = await tx.delete(sites).where(eq(sites.id, id)).returning({ id: sites.id });
        return gone.length > 0;
      }).finally(() => deleted(id));
    },
    async webhookSecret(id) {
      const [row] = await db.select({ secret: sites.webhookSecret }).from(sites).where(eq(sites.id, id)).limit(1);
      return row?.secret ?? null;
    },
    async setWebhookSecret(id, secret, opts = {}) {
      const where = opts.ifUnset ? and(eq(sites.id, id), isNull(sites.webhookSecret)) : eq(sites.id, id);
      const done = await db.update(sites).set({ webhookSecret: secret }).where(where).returning({ id: sites.id });
      return done.length > 0;
    },
    async update(id, patch) {
      const set = given(patch);
      if (Object.keys(set).length === 0) return (await this.get(id)) !== null;
      const done = await db.update(sites).set(set).where(eq(sites.id, id)).returning({ id: sites.id });
      return done.length > 0;
    },
  };
}
