import type { Db } from '../../../core/ports';
import { auditLog } from '../schema';
import type { Orm } from './orm';

export function auditRepo(db: Orm): Db['audit'] {
  return {
    async add(row) {
      await db.insert(auditLog).values({
        siteId: row.siteId,
        actor: row.actor,
        action: row.action,
        detail: row.detail ?? {},
      });
    },
  };
}
