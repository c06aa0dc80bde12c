/**
 * Conversations through the admin API (`read`), on both runtimes: a filtered list, newest
 * first, a page at a time, and one conversation's transcript with its feedback and tickets.
 * Message text comes through the repos, which open what is sealed at rest.
 */
import type { Context, Hono } from 'hono';
import { INTENTS } from '@support-chat/protocol';
import { INTENT_NAME, INTENT_NAME_RULE } from '../core/sites/settings';
import type { Deps } from '../core/deps';
import type { ConversationFilter, ConversationSummary, TicketRow } from '../core/ports';
import { BadCursor, pageOf, pageRequest } from '../core/pagination';
import { loadHistory } from '../conversation/history';
import { requireScope } from './admin-auth';

const PARAMS = ['site', 'from', 'to', 'intent', 'handoff', 'feedback', 'cursor', 'limit'];
/** A date (2026-12-01, midnight UTC) or a time with its zone (2026-12-01T09:00:00Z). */
const WHEN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

class BadFilter extends Error {}

const bad = (c: Context, message: string) => c.json({ error: { code: 'invalid_message', message } }, 400);

const listed = (s: ConversationSummary) => ({
  id: s.id,
  siteId: s.siteId,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
  messages: s.messages,
  firstQuestion: s.firstQuestion,
  intents: s.intents,
  hasTicket: s.hasTicket,
  feedback: s.feedback,
});

const ticketShown = (t: TicketRow) => ({
  id: t.id,
  number: t.number,
  status: t.status,
  priority: t.priority,
  reason: t.reason,
  assignee: t.assignee,
  contactEmail: t.contactEmail,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
  closedAt: t.closedAt ? t.closedAt.toISOString() : null,
});

export function mountAdminConversations(app: Hono, deps: Deps): void {
  app.get('/v1/admin/conversations', requireScope('read'), async (c) => {
    const query = c.req.query();
    let filter: Omit<ConversationFilter, 'limit' | 'after'>;
    let page;
    try {
      filter = filterOf(query);
      page = pageRequest({ limit: query.limit, cursor: query.cursor });
    } catch (err) {
      if (err instanceof BadFilter || err instanceof BadCursor) return bad(c, err.message);
      throw err;
    }
    if (filter.siteId !== undefined && !(await deps.db.sites.get(filter.siteId))) {
      return c.json({ error: { code: 'unknown_site', message: `no site "${filter.siteId.slice(0, 64)}"` } }, 404);
    }
    const rows = await deps.db.conversations.list({ ...filter, limit: page.limit + 1, after: page.after });
    const { items, next } = pageOf(rows, page.limit, (r) => ({ key: r.createdAt.toISOString(), id: r.id }));
    return c.json({ items: items.map(listed), next });
  });

  app.get('/v1/admin/conversations/:id', requireScope('read'), async (c) => {
    const id = c.req.param('id');
    const conversation = await deps.db.conversations.get(id);
    if (!conversation) return c.json({ error: { code: 'not_found', message: `no conversation "${id.slice(0, 64)}"` } }, 404);
    const [transcript, feedback, tickets] = await Promise.all([
      loadHistory(deps.db, id),
      deps.db.feedback.ofConversation(id),
      deps.db.tickets.ofConversation(id),
    ]);
    return c.json({
      conversation: { id, siteId: conversation.siteId, locale: conversation.locale, createdAt: conversation.createdAt.toISOString() },
      transcript,
      feedback: feedback.map((f) => ({ answerId: f.answerId, rating: f.rating, comment: f.comment, at: f.createdAt.toISOString() })),
      tickets: tickets.map(ticketShown),
    });
  });
}

/** The query's filters, each checked; a BadFilter names the parameter at fault. */
function filterOf(q: Record<string, string>): Omit<ConversationFilter, 'limit' | 'after'> {
  const unknown = Object.keys(q).filter((k) => !PARAMS.includes(k));
  if (unknown.length) throw new BadFilter(`unknown parameter "${unknown[0]}"; the filters are ${PARAMS.join(', ')}`);
  const f: Omit<ConversationFilter, 'limit' | 'after'> = {};
  if (q.site) f.siteId = q.site;
  for (const key of ['from', 'to'] as const) {
    const v = q[key];
    if (v === undefined || v === '') continue;
    const at = WHEN.test(v) ? new Date(v) : null;
    if (!at || Number.isNaN(at.getTime())) throw new BadFilter(`"${key}" must be a date such as 2026-12-01 or a time such as 2026-12-01T09:00:00Z`);
    f[key] = at;
  }
  if (f.from && f.to && f.from >= f.to) throw new BadFilter('"from" must be before "to"');
  if (q.intent) {
    // A built-in intent, or one a site trained (named as its settings name them).
    if (!(INTENTS as readonly string[]).includes(q.intent) && !INTENT_NAME.test(q.intent)) {
      throw new BadFilter(`"intent" must be one of ${INTENTS.join(', ')}, or the name of an intent a site trained (${INTENT_NAME_RULE})`);
    }
    f.intent = q.intent;
  }
  if (q.handoff) {
    if (q.handoff !== 'true' && q.handoff !== 'false') throw new BadFilter('"handoff" must be true or false');
    f.handoff = q.handoff === 'true';
  }
  if (q.feedback) {
    if (q.feedback !== 'up' && q.feedback !== 'down') throw new BadFilter('"feedback" must be up or down');
    f.feedback = q.feedback;
  }
  return f;
}
