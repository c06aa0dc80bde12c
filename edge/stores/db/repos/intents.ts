import { eq } from 'drizzle-orm';
import type { Db } from '../../../core/ports';
import { intentModels } from '../schema';
import type { Orm } from './orm';

export function intentsRepo(db: Orm): Db['intents'] {
  return {
    async get(siteId) {
      const [row] = await db.select().from(intentModels).where(eq(intentModels.siteId, siteId)).limit(1);
      return row ?? null;
    },
    async version(siteId) {
      const [row] = await db.select({ version: intentModels.version }).from(intentModels).where(eq(intentModels.siteId, siteId)).limit(1);
      return row?.version ?? null;
    },
    async save(row) {
      const { siteId, ...rest } = row;
      await db
        .insert(intentModels)
        .values(row)
        .onConflictDoUpdate({ target: intentModels.siteId, set: { ...rest, trainedAt: row.trainedAt ?? new Date() } });
    },
    async delete(siteId) {
      const gone = await db.delete(intentModels).where(eq(intentModels.siteId, siteId)).returning({ siteId: intentModels.siteId });
      return gone.length > 0;
    },
  };
}
