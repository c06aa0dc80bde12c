import type { Deps } from '../core/deps';

/** A write a minute per agent at most: "online" means seen within minutes, not milliseconds. */
const EVERY_MS = 60_000;
const noted = new WeakMap<object, Map<string, number>>();

/** Notes that the agent is at the inbox now, for the widget's "nobody online" (never fails the caller). */
export function notePresence(deps: Pick<Deps, 'db' | 'clock' | 'log'>, agentId: string): void {
  let byAgent = noted.get(deps.db);
  if (!byAgent) noted.set(deps.db, (byAgent = new Map()));
  const now = deps.clock.now();
  if (now - (byAgent.get(agentId) ?? -Infinity) < EVERY_MS) return;
  if (byAgent.size > 10_000) byAgent.clear();
  byAgent.set(agentId, now);
  deps.db.agents.seen(agentId, new Date(now)).catch((err) => {
    byAgent.delete(agentId);
    deps.log.warn('could not note agent presence', { agent: agentId, error: String(err) });
  });
}
