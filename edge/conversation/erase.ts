/**
 * Erasing a conversation from every store, for the admin's erasure of a visitor and for
 * retention: the session store's copies first (its event log, counters and leases), then the
 * runtime's own (a Durable Object's storage), the database record last, so a failure part-way
 * leaves something to find and erase again. The audit trail keeps its entries with a digest
 * in place of the id, and records the erasure the same way: the trail reads in order, and
 * nothing in it leads back to the visitor.
 */
import type { Deps } from '../core/deps';
import { hashSecret } from '../core/secrets';

/** Storage a runtime keeps per conversation besides the shared stores (a Durable Object's). */
export type RuntimeErase = (id: string, siteId: string) => Promise<void>;

export async function eraseConversation(
  deps: Pick<Deps, 'db' | 'sessions'>,
  conversation: { id: string; siteId: string },
  why: { actor: string; action: string; address?: string },
  runtimeErase?: RuntimeErase,
): Promise<void> {
  const { id, siteId } = conversation;
  await deps.sessions.forget(id);
  await runtimeErase?.(id, siteId);
  await deps.db.conversations.delete(id);
  const digest = (await hashSecret(id)).slice(0, 16);
  await deps.db.audit.pseudonymize(id, digest);
  await deps.db.audit.add({ siteId, actor: why.actor, action: why.action, detail: { conversation: digest, ...(why.address ? { address: why.address } : {}) } });
}

/** Erases every conversation idle since before `before` (one site's when given), a batch at a time; how many went. */
export async function expireConversations(deps: Pick<Deps, 'db' | 'sessions'>, before: Date, runtimeErase?: RuntimeErase, siteId?: string): Promise<number> {
  let erased = 0;
  for (;;) {
    const batch = await deps.db.conversations.idleSince(before, 200, siteId);
    if (batch.length === 0) return erased;
    for (const c of batch) await eraseConversation(deps, c, { actor: 'retention', action: 'conversation.expired' }, runtimeErase);
    erased += batch.length;
  }
}

const DAY_MS = 86_400_000;

export interface SiteRetention {
  site: string;
  days: number;
  before: Date;
  erased: number;
  /** Settled webhook deliveries as old: their payloads quote visitors too. */
  deliveries: number;
}

/**
 * Retention for every site: each by its own `retentionDays` setting, else `defaultDays`
 * (RETENTION_DAYS); a site with neither keeps its conversations. What went, per site.
 */
export async function expireBySite(
  deps: Pick<Deps, 'db' | 'sessions'>,
  opts: { defaultDays?: number; now: number; runtimeErase?: RuntimeErase },
): Promise<SiteRetention[]> {
  const out: SiteRetention[] = [];
  for (const site of await deps.db.sites.list()) {
    const days = site.settings?.retentionDays ?? opts.defaultDays;
    if (days === undefined) continue;
    const before = new Date(opts.now - days * DAY_MS);
    const erased = await expireConversations(deps, before, opts.runtimeErase, site.id);
    out.push({ site: site.id, days, before, erased, deliveries: await deps.db.webhooks.prune(site.id, before) });
  }
  return out;
}
