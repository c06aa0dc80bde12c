import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../core/ports';
import { sites } from '../schema';
import type { Orm } from './orm';

export function sitesRepo(db: Orm): Db['sites'] {
  const columns = { id: sites.id, name: sites.name, allowedOrigins: sites.allowedOrigins };
  return {
    async list() {
      return db.select(columns).from(sites).orderBy(asc(sites.id));
    },
    async get(id) {
      const [row] = await db
        .select({ id: sites.id, name: sites.name, allowedOrigins: sites.allowedOrigins })
        .from(sites)
        .where(eq(sites.id, id))
        .limit(1);
      return row ?? null;
    },
    async upsert(site) {
      await db
        .insert(sites)
        .values({ id: site.id, name: site.name, allowedOrigins: site.allowedOrigins })
        .onConflictDoUpdate({
          target: sites.id,
          set: { name: site.name, allowedOrigins: site.allowedOrigins },
        });
    },
  };
}
