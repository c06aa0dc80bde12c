/**
 * Webhook deliveries (edge/notify): one row a notification, settled as delivered or failed, or
 * left pending with the time of its next attempt. A payload quotes the visitor (and the offline
 * case names their email), so with DATA_ENCRYPTION_KEY set it is sealed at rest, kept beside
 * the conversation's id so erasure still finds it.
 */
import { and, asc, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db, WebhookDeliveryRow } from '../../../core/ports';
import { webhookDeliveries as wd } from '../schema';
import { PLAIN, type Sealing } from '../sealing';
import type { Orm } from './orm';

const aad = (id: string) => `webhook_deliveries.payload:${id}`;
const createdMs = sql`date_trunc('milliseconds', ${wd.createdAt})`;

/** Stored form of a sealed payload. */
interface SealedPayload {
  sealed: string;
  conversation: string | null;
}

const conversationOf = (payload: Record<string, unknown>): string | null => {
  const event = payload.event as { conversation?: unknown } | undefined;
  return typeof event?.conversation === 'string' ? event.conversation : null;
};

/** Deletes the deliveries about a conversation: their payloads (sealed or not) name it. */
export async function forgetDeliveriesOf(db: Orm, conversationId: string): Promise<number> {
  const gone = await db
    .delete(wd)
    .where(sql`coalesce(${wd.payload}->>'conversation', ${wd.payload}->'event'->>'conversation') = ${conversationId}`)
    .returning({ id: wd.id });
  return gone.length;
}

export function webhooksRepo(db: Orm, sealing: Sealing = PLAIN): Db['webhooks'] {
  const { cipher } = sealing;
  const seal = async (id: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (!cipher.currentKid) return payload;
    const stored: SealedPayload = { sealed: await cipher.seal(JSON.stringify(payload), aad(id)), conversation: conversationOf(payload) };
    return stored as unknown as Record<string, unknown>;
  };
  const open = async (row: typeof wd.$inferSelect): Promise<WebhookDeliveryRow> => {
    let payload = row.payload;
    if (typeof payload.sealed === 'string') {
      try {
        payload = JSON.parse(await cipher.open(payload.sealed, aad(row.id))) as Record<string, unknown>;
      } catch (err) {
        // Sealed under a key no longer held: the row still lists, its body does not.
        payload = { unreadable: err instanceof Error ? err.message : String(err) };
      }
    }
    return { ...row, payload, status: row.status as WebhookDeliveryRow['status'] };
  };
  const attempt = (r: { attempts: number; status: number | null; error: string | null; url: string }) => ({
    attempts: r.attempts,
    lastStatus: r.status,
    // A receiver's error text is theirs: kept short.
    lastError: r.error === null ? null : r.error.slice(0, 500),
    url: r.url,
  });

  return {
    async record(row) {
      await db.insert(wd).values({ ...row, payload: await seal(row.id, row.payload), status: 'pending' });
    },
    async get(id) {
      const [row] = await db.select().from(wd).where(eq(wd.id, id)).limit(1);
      return row ? open(row) : null;
    },
    async markDelivered(id, r) {
      await db
        .update(wd)
        .set({ ...attempt(r), status: 'delivered', deliveredAt: r.at, nextAttemptAt: null })
        .where(eq(wd.id, id));
    },
    async markRetry(id, r) {
      await db
        .update(wd)
        .set({ ...attempt(r), status: 'pending', nextAttemptAt: r.nextAttemptAt })
        .where(eq(wd.id, id));
    },
    async markFailed(id, r) {
      await db
        .update(wd)
        .set({ ...attempt(r), status: 'failed', nextAttemptAt: null })
        .where(eq(wd.id, id));
    },
    async due(now, limit, leaseUntil) {
      // Claimed by moving their next attempt past the lease, in the statement that picks them.
      const picked = db
        .select({ id: wd.id })
        .from(wd)
        .where(and(eq(wd.status, 'pending'), lte(wd.nextAttemptAt, now)))
        .orderBy(asc(wd.nextAttemptAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      const rows = await db
        .update(wd)
        .set({ nextAttemptAt: leaseUntil })
        .where(and(inArray(wd.id, picked), eq(wd.status, 'pending'), lte(wd.nextAttemptAt, now)))
        .returning();
      rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      return Promise.all(rows.map(open));
    },
    async list(siteId, limit, after) {
      const where = after
        ? and(eq(wd.siteId, siteId), sql`(${createdMs}, ${wd.id}) < (${String(after.key)}::timestamptz, ${after.id})`)
        : eq(wd.siteId, siteId);
      const rows = await db.select().from(wd).where(where).orderBy(desc(createdMs), desc(wd.id)).limit(limit);
      return Promise.all(rows.map(open));
    },
    forgetConversation: (conversationId) => forgetDeliveriesOf(db, conversationId),
    async prune(siteId, before) {
      const gone = await db
        .delete(wd)
        .where(and(eq(wd.siteId, siteId), inArray(wd.status, ['delivered', 'failed']), lt(wd.createdAt, before)))
        .returning({ id: wd.id });
      return gone.length;
    },
  };
}
