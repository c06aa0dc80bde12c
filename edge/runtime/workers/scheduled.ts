/**
 * The Worker's cron triggers (wrangler.toml `[triggers]`): webhook deliveries due again on
 * every run (every 5 minutes), and on the daily one retention, as `npm run retention` does on
 * Node. Conversations idle longer than their site's `retentionDays` (else
 * RETENTION_DAYS) are erased from Postgres, the session store and, with the admin erasure's
 * eraser, their Durable Object's storage (conversation/erase.ts). One run does a bounded amount,
 * oldest first: at most RETENTION_PER_RUN conversations and RUN_BUDGET_MS; the next run goes on
 * from there. Deps are built as for a request (router.ts), over this run's own Neon connection.
 */
import { ConfigError } from '../../config/load';
import { expireBySite } from '../../conversation/erase';
import type { Db } from '../../core/ports';
import { retryDue } from '../../notify/deliver';
import type { OpenedNeon } from '../../stores/db/neon';
import { connectNeon, depsOver, isolateParts, type IsolateParts, type WorkerEnv } from './deps';
import { eraseInObject } from './erase';
import type { ExecutionContext, ScheduledController } from './platform';
import { reporterFor } from './reporting';

/** Wall time one run may start new batches in: far inside the 15 minutes a cron run may take. */
export const RUN_BUDGET_MS = 5 * 60_000;
/** The frequent cron (wrangler.toml): webhook deliveries due again, no retention. */
export const WEBHOOK_CRON = '*/5 * * * *';
/** Conversations asked for at a time, so the time budget is checked this often. */
const STEP = 50;

export async function handleScheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
  let parts: IsolateParts;
  try {
    parts = isolateParts(env);
  } catch (err) {
    // Said in the log, every problem by name; the run fails, so the cron's history shows it.
    console.error(err instanceof ConfigError ? err.message : `could not start: ${String(err)}`);
    throw err;
  }
  const log = parts.base.log;
  const reporter = reporterFor(parts.config.SENTRY_DSN, ctx);
  let neon: OpenedNeon | null = null;
  const deps = depsOver(parts, reporter, () => (neon ??= connectNeon(parts)));
  const budget = runBudget(parts.config.RETENTION_PER_RUN, Date.now() + RUN_BUDGET_MS);
  try {
    // Every run first tries the webhook deliveries due again (edge/notify; it never throws).
    const retried = await retryDue(deps);
    if (retried.length > 0) log.info(`webhooks: ${retried.length} deliver${retried.length === 1 ? 'y' : 'ies'} attempted again`, { cron: controller.cron });
    if (controller.cron === WEBHOOK_CRON) return;
    const sites = await expireBySite(
      { db: budget.over(deps.db), sessions: deps.sessions },
      { defaultDays: parts.config.RETENTION_DAYS, now: controller.scheduledTime, runtimeErase: eraseInObject(env) },
    );
    if (sites.length === 0) {
      log.info('retention: no retention period (RETENTION_DAYS, or a site\'s retentionDays): nothing erased', { cron: controller.cron });
      return;
    }
    const erased = sites.reduce((n, s) => n + s.erased, 0);
    for (const s of sites) if (s.erased > 0) log.info(`retention: ${plural(s.erased)} of site ${s.site} idle since before ${s.before.toISOString()} erased (${s.days} days)`);
    for (const s of sites) if (s.deliveries > 0) log.info(`retention: ${s.deliveries} settled webhook deliveries of site ${s.site} from before ${s.before.toISOString()} deleted`);
    if (budget.spent()) {
      log.warn(`retention: ${plural(erased)} erased; this run's budget is spent (RETENTION_PER_RUN ${parts.config.RETENTION_PER_RUN}, ${RUN_BUDGET_MS / 1000} s), the next run goes on`, { cron: controller.cron });
    } else {
      log.info(`retention: ${plural(erased)} erased`, { cron: controller.cron });
    }
  } catch (err) {
    reporter.capture(err, { stage: 'worker.scheduled', tags: { cron: controller.cron } });
    log.error('retention failed', { cron: controller.cron, error: String(err) });
    throw err;
  } finally {
    if (neon) ctx.waitUntil((neon as OpenedNeon).close());
  }
}

function plural(n: number): string {
  return `${n} conversation${n === 1 ? '' : 's'}`;
}

/**
 * A cap on what one run hands to retention: `over(db)` is the same db whose `idleSince` grants
 * at most `max` conversations in all, and none once `deadline` has passed; retention then
 * stops as if nothing were left. `spent()`: it stopped for the budget with some left over.
 */
export function runBudget(max: number, deadline: number, now: () => number = Date.now) {
  let left = max;
  let spent = false;
  return {
    spent: () => spent,
    over(db: Db): Db {
      const idleSince: Db['conversations']['idleSince'] = async (before, limit, siteId) => {
        if (left <= 0 || now() >= deadline) {
          // Stopped here: whether any remain is what the run reports.
          if (!spent) spent = (await db.conversations.idleSince(before, 1, siteId)).length > 0;
          return [];
        }
        const batch = await db.conversations.idleSince(before, Math.min(limit, left, STEP), siteId);
        left -= batch.length;
        return batch;
      };
      // db may be a proxy over the current connection's stores (connections.ts): read through it.
      return new Proxy(db, {
        get: (target, key) => (key === 'conversations' ? { ...target.conversations, idleSince } : Reflect.get(target, key)),
      });
    },
  };
}
