/**
 * One site's activity over the last `days` UTC days, as the admin page charts it: totals, one
 * row per day (quiet days as zeros, so a chart's axis has no holes), and the most asked
 * questions that went unanswered, grouped by meaning.
 */
import type { Deps } from '../core/deps';
import type { DayActivity, Insights } from '@support-chat/protocol/insights';
import { groupQuestions } from './group';

export const MAX_DAYS = 365;
/** Newest unanswered questions read for grouping: enough for the top ten, bounded in cost. */
const QUESTIONS_READ = 500;
const DAY_MS = 86_400_000;

export async function siteInsights(deps: Pick<Deps, 'db' | 'embedder' | 'clock' | 'log'>, siteId: string, days: number): Promise<Insights> {
  const today = startOfDay(deps.clock.now());
  const since = new Date(today - (days - 1) * DAY_MS);
  const [active, questions] = await Promise.all([deps.db.insights.daily(siteId, since), deps.db.insights.unanswered(siteId, since, QUESTIONS_READ)]);
  const groups = await groupQuestions(questions, {
    embed: (texts, purpose) =>
      deps.embedder.embed(texts, purpose).catch((err: unknown) => {
        // Grouping goes on by shared words alone; the page still loads.
        deps.log.warn('insights: embedding the unanswered questions failed; grouped by words', { site: siteId, error: String(err) });
        throw err;
      }),
  });
  const byDay = new Map(active.map((d) => [d.day, d]));
  const daily: DayActivity[] = [];
  for (let t = since.getTime(); t <= today; t += DAY_MS) {
    const day = isoDay(t);
    daily.push(byDay.get(day) ?? { day, answers: 0, unanswered: 0, conversations: 0, resolved: 0, handoffs: 0, feedbackUp: 0, feedbackDown: 0, costUsd: 0 });
  }
  const sum = (k: keyof Omit<DayActivity, 'day'>) => daily.reduce((s, d) => s + d[k], 0);
  const totals = {
    answers: sum('answers'),
    unanswered: sum('unanswered'),
    conversations: sum('conversations'),
    resolved: sum('resolved'),
    handoffs: sum('handoffs'),
    feedbackUp: sum('feedbackUp'),
    feedbackDown: sum('feedbackDown'),
    costUsd: Math.round(sum('costUsd') * 1e6) / 1e6,
  };
  const ratings = totals.feedbackUp + totals.feedbackDown;
  return {
    site: siteId,
    from: isoDay(since.getTime()),
    to: isoDay(today),
    totals: {
      ...totals,
      resolutionRate: totals.conversations ? round3(totals.resolved / totals.conversations) : null,
      satisfaction: ratings ? round3(totals.feedbackUp / ratings) : null,
    },
    daily,
    unanswered: groups.map((g) => ({ ...g, lastAt: g.lastAt.toISOString() })),
  };
}

const startOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const round3 = (x: number) => Math.round(x * 1000) / 1000;
