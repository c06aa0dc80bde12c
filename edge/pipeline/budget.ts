/**
 * A site's daily LLM allowance (SITE_DAILY_TOKEN_BUDGET, SITE_DAILY_BUDGET_USD), counted from
 * UTC midnight over the answers it stored. Past it, the site's answers come from the embedded
 * extractive answerer, with the same note and typed `fallback` part as when the LLM is down,
 * until the day ends. The spend is read at most every SPEND_TTL_MS per site, so a burst can
 * pass the allowance by what a few seconds of answers cost, not by a day's.
 */
import type { Deps } from '../core/deps';
import type { AnswerPart, AnswerRequest, Llm } from '../core/ports';
import { fallbackNote } from '../providers/resilience/fallback';

const SPEND_TTL_MS = 5_000;

export interface BudgetState {
  day: string;
  tokens: number;
  costUsd: number;
  tokensPerDay?: number;
  usdPerDay?: number;
  exceeded: boolean;
}

type Spend = { at: number; day: string; state: Promise<BudgetState> };
const recent = new WeakMap<object, Map<string, Spend>>();

/** Today's spend against the allowance; null when no budget is set. */
export function budgetState(deps: Pick<Deps, 'db' | 'clock' | 'settings'>, siteId: string): Promise<BudgetState> | null {
  const budget = deps.settings.budget;
  if (!budget) return null;
  const now = deps.clock.now();
  const day = new Date(now).toISOString().slice(0, 10);
  let bySite = recent.get(deps.db);
  if (!bySite) recent.set(deps.db, (bySite = new Map()));
  const cached = bySite.get(siteId);
  if (cached && cached.day === day && now - cached.at < SPEND_TTL_MS) return cached.state;
  const state = deps.db.messages.spendSince(siteId, new Date(`${day}T00:00:00Z`)).then((s) => ({
    day,
    ...s,
    ...budget,
    exceeded: (budget.tokensPerDay !== undefined && s.tokens >= budget.tokensPerDay) || (budget.usdPerDay !== undefined && s.costUsd >= budget.usdPerDay),
  }));
  bySite.set(siteId, { at: now, day, state });
  state.catch(() => bySite.delete(siteId));
  return state;
}

/** The answerer for this site now: the configured LLM, or the embedded one past the budget. */
export async function answererFor(deps: Pick<Deps, 'db' | 'clock' | 'settings' | 'llm' | 'localLlm' | 'log'>, siteId: string): Promise<Llm> {
  const local = deps.localLlm;
  const state = local ? budgetState(deps, siteId) : null;
  if (!local || !state) return deps.llm;
  let exceeded = false;
  try {
    exceeded = (await state).exceeded;
  } catch (err) {
    // The spend could not be read: answer as configured rather than not at all.
    deps.log.warn('could not read the day\'s spend; answering without the budget', { site: siteId, error: String(err) });
  }
  return exceeded ? overBudget(deps.llm.name, local) : deps.llm;
}

function overBudget(from: string, local: Llm): Llm {
  return {
    name: `${local.name} (daily budget spent)`,
    async *stream(req: AnswerRequest, signal?: AbortSignal): AsyncGenerator<AnswerPart> {
      yield { type: 'fallback', from, reason: 'budget' };
      if (req.intent !== 'greeting' && req.intent !== 'human') yield { type: 'text', text: fallbackNote(req.language) };
      yield* local.stream(req, signal);
    },
  };
}
