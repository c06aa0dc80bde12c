import { and, asc, eq, isNull } from 'drizzle-orm';
import { ADMIN_SCOPES, type AdminScope, type Db } from '../../../core/ports';
import { adminTokens } from '../schema';
import type { Orm } from './orm';

const columns = { id: adminTokens.id, name: adminTokens.name, scopes: adminTokens.scopes, createdAt: adminTokens.createdAt };
const known = (scopes: string[]) => scopes.filter((s): s is AdminScope => (ADMIN_SCOPES as string[]).includes(s));

export function adminTokensRepo(db: Orm): Db['adminTokens'] {
  return {
    async create(row) {
      await db.insert(adminTokens).values(row);
    },
    async byHash(hash) {
      const [row] = await db.select(columns).from(adminTokens).where(and(eq(adminTokens.hash, hash), isNull(adminTokens.revokedAt))).limit(1);
      return row ? { ...row, scopes: known(row.scopes) } : null;
    },
    async list() {
      const rows = await db.select({ ...columns, revokedAt: adminTokens.revokedAt }).from(adminTokens).orderBy(asc(adminTokens.createdAt));
      return rows.map((r) => ({ ...r, scopes: known(r.scopes) }));
    },
    async revoke(id) {
      const done = await db.update(adminTokens).set({ revokedAt: new Date() }).where(and(eq(adminTokens.id, id), isNull(adminTokens.revokedAt))).returning({ id: adminTokens.id });
      return done.length > 0;
    },
  };
}
