/**
 * The admin API: `GET /v1/admin/stats` per site (answers, tokens, cost, average confidence,
 * hand-offs, feedback), behind `Authorization: Bearer ADMIN_TOKEN`. Without a token configured
 * the routes do not exist (404), so an unconfigured server exposes nothing.
 */
import type { Context, Hono } from 'hono';
import type { Deps } from '../core/deps';
import { sameSecret } from '../core/secrets';
import { budgetState } from '../pipeline/budget';
import type { AddressOf } from './client-address';

const tooMany = (c: Context, wait: number) =>
  c.json({ error: { code: 'rate_limited', message: `too many failed attempts; try again in ${wait} s`, retryAfter: wait } }, 429, { 'Retry-After': String(wait) });

/** Wrong tokens one address may send in a quarter of an hour before it is locked out for the rest of it. */
const FAILURES_PER_WINDOW = 10;
const FAILURE_WINDOW_S = 900;

export function mountAdmin(app: Hono, deps: Deps, addressOf: AddressOf = () => undefined): void {
  const token = deps.settings.adminToken;
  app.use('/v1/admin/*', async (c, next) => {
    if (!token) return c.json({ error: { code: 'not_found', message: 'the admin API is off; set ADMIN_TOKEN to turn it on' } }, 404);
    // Locked out: refused before the token is even compared, so guessing on gains nothing.
    const address = addressOf(c) ?? 'unknown';
    const locked = await deps.sessions.cacheGet<number>(`admin-locked:${address}`);
    if (locked) return tooMany(c, Math.max(1, Math.ceil((locked - deps.clock.now()) / 1000)));
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (!given || !(await sameSecret(given, token))) {
      const wait = await deps.sessions.rateLimit(`admin-fail:${address}`, FAILURES_PER_WINDOW, FAILURE_WINDOW_S);
      if (wait > 0) {
        await deps.sessions.cacheSet(`admin-locked:${address}`, deps.clock.now() + wait * 1000, wait);
        return tooMany(c, wait);
      }
      c.header('WWW-Authenticate', 'Bearer realm="admin"');
      return c.json({ error: { code: 'unauthorized', message: 'send Authorization: Bearer <ADMIN_TOKEN>' } }, 401);
    }
    await next();
  });

  app.get('/v1/admin/stats', async (c) => {
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
