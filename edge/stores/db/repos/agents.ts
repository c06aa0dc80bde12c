import { and, eq, gt, gte, isNull } from 'drizzle-orm';
import type { Db } from '../../../core/ports';
import { agents, agentSessions } from '../schema';
import type { Orm } from './orm';

const columns = { id: agents.id, siteId: agents.siteId, email: agents.email, name: agents.name, disabledAt: agents.disabledAt };

export function agentsRepo(db: Orm): Db['agents'] {
  return {
    async create(row) {
      await db.insert(agents).values({ ...row, email: row.email.trim().toLowerCase() });
    },
    async byEmail(email) {
      const [row] = await db
        .select({ ...columns, passwordHash: agents.passwordHash })
        .from(agents)
        .where(eq(agents.email, email.trim().toLowerCase()))
        .limit(1);
      return row ?? null;
    },
    async get(id) {
      const [row] = await db.select(columns).from(agents).where(eq(agents.id, id)).limit(1);
      return row ?? null;
    },
    async disable(id) {
      const done = await db.update(agents).set({ disabledAt: new Date() }).where(and(eq(agents.id, id), isNull(agents.disabledAt))).returning({ id: agents.id });
      await db.delete(agentSessions).where(eq(agentSessions.agentId, id));
      return done.length > 0;
    },
    async startSession(row) {
      await db.insert(agentSessions).values(row);
    },
    async bySession(hash, now) {
      const [row] = await db
        .select(columns)
        .from(agentSessions)
        .innerJoin(agents, eq(agents.id, agentSessions.agentId))
        .where(and(eq(agentSessions.hash, hash), gt(agentSessions.expiresAt, now), isNull(agents.disabledAt)))
        .limit(1);
      return row ?? null;
    },
    async endSession(hash) {
      await db.delete(agentSessions).where(eq(agentSessions.hash, hash));
    },
    async seen(id, at) {
      await db.update(agents).set({ lastSeenAt: at }).where(eq(agents.id, id));
    },
    async anySeenSince(siteId, since) {
      const [row] = await db
        .select({ id: agents.id })
        .from(agents)
        .where(and(eq(agents.siteId, siteId), isNull(agents.disabledAt), gte(agents.lastSeenAt, since)))
        .limit(1);
      return row !== undefined;
    },
  };
}
