import { sql } from 'drizzle-orm';
import type { Db } from '../../../core/ports';
import { auditLog } from '../schema';
import type { Orm } from './orm';

export function auditRepo(db: Orm): Db['audit'] {
  return {
    async pseudonymize(conversationId, digest) {
      await db.execute(
        sql`update audit_log set detail = jsonb_set(detail, '{conversation}', to_jsonb(${digest}::text)) where detail->>'conversation' = ${conversationId}`,
      );
    },
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
