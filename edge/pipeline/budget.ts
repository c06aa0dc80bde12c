/**
 * A site's daily LLM allowance (its `dailyTokenBudget` / `dailyBudgetUsd` settings, else
 * SITE_DAILY_TOKEN_BUDGET / SITE_DAILY_BUDGET_USD), counted from
 * UTC midnight over the answers it stored. Past it, the site's answers come from the embedded
 * extractive answerer, with the same note and typed `fallback` part as when the LLM is down,
 * until the day ends. The spend is read at most every SPEND_TTL_MS per site, so a burst can
 * pass the allowance by what a few seconds of answers cost, not by a day's.
 */
import type { Deps } from '../core/deps';
import type { AnswerPart, AnswerRequest, Llm } from '../core/ports';
import { fallbackNote } from '../providers/resilience/fallback';
import { recentSite } from '../core/sites/recent';

const SPEND_TTL_MS = 5_000;

export interface BudgetState {
  day: string;
  tokens: number;
  costUsd: number;
  tokensPerDay?: number;
  usdPerDay?: number;
  exceeded: boolean;
}

type Spend = { at: number; day: string; spend: Promise<{ tokens: number; costUsd: number }> };
const recent = new WeakMap<object, Map<string, Spend>>();

/** Today's spend against the site's allowance (its own settings, else the server's); null when none is set. */
export async function budgetState(deps: Pick<Deps, 'db' | 'clock' | 'settings'>, siteId: string): Promise<BudgetState | null> {
  const budget = await allowance(deps, siteId);
  if (!budget) return null;
  const now = deps.clock.now();
  const day = new Date(now).toISOString().slice(0, 10);
  let bySite = recent.get(deps.db);
  if (!bySite) recent.set(deps.db, (bySite = new Map()));
  const cached = bySite.get(siteId);
  if (cached && cached.day === day && now - cached.at < SPEND_TTL_MS) return { day, ...(await cached.spend), ...budget, exceeded: over(await cached.spend, budget) };
  const spend = deps.db.messages.spendSince(siteId, new Date(`${day}T00:00:00Z`));
  bySite.set(siteId, { at: now, day, spend });
  spend.catch(() => bySite.delete(siteId));
  const s = await spend;
  return { day, ...s, ...budget, exceeded: over(s, budget) };
}

type Allowance = { tokensPerDay?: number; usdPerDay?: number };

async function allowance(deps: Pick<Deps, 'db' | 'clock' | 'settings'>, siteId: string): Promise<Allowance | null> {
  const server = deps.settings.budget;
  const own = (await recentSite(deps, siteId))?.settings;
  const tokensPerDay = own?.dailyTokenBudget ?? server?.tokensPerDay;
  const usdPerDay = own?.dailyBudgetUsd ?? server?.usdPerDay;
  if (tokensPerDay === undefined && usdPerDay === undefined) return null;
  return { ...(tokensPerDay !== undefined ? { tokensPerDay } : {}), ...(usdPerDay !== undefined ? { usdPerDay } : {}) };
}

const over = (s: { tokens: number; costUsd: number }, b: Allowance) =>
  (b.tokensPerDay !== undefined && s.tokens >= b.tokensPerDay) || (b.usdPerDay !== undefined && s.costUsd >= b.usdPerDay);

/** The answerer for this site now: the configured LLM, or the embedded one past the budget. */
export async function answererFor(deps: Pick<Deps, 'db' | 'clock' | 'settings' | 'llm' | 'localLlm' | 'log'>, siteId: string): Promise<Llm> {
  const local = deps.localLlm;
  if (!local) return deps.llm;
  let exceeded = false;
  try {
    exceeded = (await budgetState(deps, siteId))?.exceeded ?? false;
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
