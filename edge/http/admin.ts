/**
 * The admin API: `GET /v1/admin/stats` per site (answers, tokens, cost, average confidence,
 * hand-offs, feedback), behind `Authorization: Bearer` with ADMIN_TOKEN or an admin token with
 * the `read` scope (admin-auth.ts). With neither configured nor sent, the routes do not exist
 * (404), so an unconfigured server exposes nothing.
 */
import type { Hono } from 'hono';
import type { Deps } from '../core/deps';
import { budgetState } from '../pipeline/budget';
import { adminAuth, requireScope } from './admin-auth';
import type { AddressOf } from './client-address';

export function mountAdmin(app: Hono, deps: Deps, addressOf: AddressOf = () => undefined): void {
  app.use('/v1/admin/*', adminAuth(deps, addressOf));

  app.get('/v1/admin/stats', requireScope('read'), async (c) => {
    const site = c.req.query('site') || undefined;
    const rows = await deps.db.messages.stats(site);
    // Today's spend against the daily allowance, when one is set: "exceeded" means the site
    // answers from the embedded answerer until UTC midnight.
    const budgets = await Promise.all(rows.map((r) => budgetState(deps, r.siteId)));
    return c.json({
      sites: rows.map((r, i) => ({
        site: r.siteId,
        answers: r.answers,
        tokens: { prompt: r.promptTokens, completion: r.completionTokens, embedding: r.embeddingTokens },
        costUsd: r.costUsd === null ? null : round(r.costUsd, 6),
        avgConfidence: r.avgConfidence === null ? null : round(r.avgConfidence, 3),
        handoffs: r.handoffs,
        feedback: { up: r.feedbackUp, down: r.feedbackDown },
        ...(budgets[i] ? { budget: { ...budgets[i], costUsd: round(budgets[i]!.costUsd, 6) } } : {}),
      })),
    });
  });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
