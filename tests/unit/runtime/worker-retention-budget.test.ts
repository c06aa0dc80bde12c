/**
 * The budget of one cron run of retention on Workers (edge/runtime/workers/scheduled.ts):
 * retention, run over the budgeted db, erases at most the count and starts no batch past the
 * deadline, oldest first; the run says whether any were left for the next one.
 */
import { describe, expect, it } from 'vitest';
import { expireConversations } from '../../../edge/conversation/erase';
import type { Db } from '../../../edge/core/ports';
import { runBudget } from '../../../edge/runtime/workers/scheduled';

/** Just what retention touches, over an in-memory list of idle conversations. */
function fakeStores(n: number) {
  const idle = Array.from({ length: n }, (_, i) => ({ id: `s_${i}`, siteId: 'shop' }));
  const deleted: string[] = [];
  const db = {
    conversations: {
      idleSince: async (_before: Date, limit: number) => idle.filter((c) => !deleted.includes(c.id)).slice(0, limit),
      delete: async (id: string) => void deleted.push(id),
    },
    audit: { pseudonymize: async () => {}, add: async () => {} },
  } as unknown as Db;
  const sessions = { forget: async () => {} } as never;
  return { db, sessions, deleted };
}

describe('a cron run of retention on Workers', () => {
  it('erases at most its count, oldest first, and says some remain', async () => {
    const { db, sessions, deleted } = fakeStores(120);
    const budget = runBudget(70, Date.now() + 60_000);
    expect(await expireConversations({ db: budget.over(db), sessions }, new Date())).toBe(70);
    expect(deleted).toEqual(Array.from({ length: 70 }, (_, i) => `s_${i}`));
    expect(budget.spent()).toBe(true);
    // The next run goes on from there.
    const next = runBudget(70, Date.now() + 60_000);
    expect(await expireConversations({ db: next.over(db), sessions }, new Date())).toBe(50);
    expect(next.spent()).toBe(false);
  });

  it('does not call the budget spent when the count ran out with nothing left', async () => {
    const { db, sessions } = fakeStores(5);
    const budget = runBudget(5, Date.now() + 60_000);
    expect(await expireConversations({ db: budget.over(db), sessions }, new Date())).toBe(5);
    expect(budget.spent()).toBe(false);
  });

  it('starts no batch past its deadline', async () => {
    const { db, sessions } = fakeStores(500);
    let now = 0;
    const budget = runBudget(1000, 100, () => (now += 30));
    const erased = await expireConversations({ db: budget.over(db), sessions }, new Date());
    // Checked before each batch (at 30, 60, 90: three batches), stopped at 120.
    expect(erased).toBe(150);
    expect(budget.spent()).toBe(true);
  });

  it('passes the rest of the db through untouched', async () => {
    const { db } = fakeStores(1);
    const over = runBudget(1, Date.now() + 60_000).over(db);
    expect(over.audit).toBe(db.audit);
    expect(over.conversations.delete).toBe(db.conversations.delete);
  });
});
