import { describe, expect, it } from 'vitest';
import type { Db, Site } from '../../../edge/core/ports';
import { budgetState } from '../../../edge/pipeline/budget';

/** A database that knows two sites and says each has spent 120 tokens and $0.02 today. */
function depsWith(server: { tokensPerDay?: number; usdPerDay?: number } | undefined, sites: Record<string, Site>) {
  const db = {
    sites: { get: async (id: string) => sites[id] ?? null },
    messages: { spendSince: async () => ({ tokens: 120, costUsd: 0.02 }) },
  } as unknown as Db;
  return { db, clock: { now: () => Date.parse('2026-12-04T10:00:00Z') }, settings: { ...(server ? { budget: server } : {}) } as never };
}

describe("a site's own daily budget", () => {
  const sites: Record<string, Site> = {
    strict: { id: 'strict', name: 'S', allowedOrigins: [], settings: { dailyTokenBudget: 100 } },
    generous: { id: 'generous', name: 'G', allowedOrigins: [], settings: { dailyTokenBudget: 10_000, dailyBudgetUsd: 5 } },
    plain: { id: 'plain', name: 'P', allowedOrigins: [], settings: {} },
  };

  it('applies on a server with no budget, and leaves other sites unlimited', async () => {
    const deps = depsWith(undefined, sites);
    expect(await budgetState(deps, 'strict')).toMatchObject({ day: '2026-12-04', tokens: 120, tokensPerDay: 100, exceeded: true });
    expect(await budgetState(deps, 'plain')).toBeNull();
  });

  it("takes the place of the server's budget where set; the server's applies elsewhere", async () => {
    const deps = depsWith({ tokensPerDay: 50 }, sites);
    expect(await budgetState(deps, 'generous')).toMatchObject({ tokensPerDay: 10_000, usdPerDay: 5, exceeded: false });
    expect(await budgetState(deps, 'plain')).toMatchObject({ tokensPerDay: 50, exceeded: true });
  });
});
