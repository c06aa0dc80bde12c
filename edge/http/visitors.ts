/**
 * What the product holds about one visitor, for the site's operator (the admin token):
 * `GET /v1/admin/visitors/:id/export` returns it as JSON, `DELETE /v1/admin/visitors/:id`
 * erases it from the database (the conversation, its messages, tickets and feedback go with
 * it), the session store (its event log, which holds message text) and, on Workers, its
 * Durable Object's storage (conversation/erase.ts). A
 * visitor is known by their conversation id: the widget is anonymous, and an order look-up's
 * email lives only in that conversation's messages. Chunk vectors hold site content only.
 */
import type { Hono } from 'hono';
import type { Deps } from '../core/deps';
import { adminCaller, requireScope } from './admin-auth';
import { eraseConversation, type RuntimeErase } from '../conversation/erase';
import { loadHistory } from '../conversation/history';

export interface VisitorRuntime {
  eraseConversation?: RuntimeErase;
}

export function mountVisitors(app: Hono, deps: Deps, runtime: VisitorRuntime = {}): void {
  const unknown = (id: string) => ({ error: { code: 'unknown_session', message: `no visitor "${id.slice(0, 64)}"` } });

  app.get('/v1/admin/visitors/:id/export', requireScope('read'), async (c) => {
    const id = c.req.param('id');
    const conversation = await deps.db.conversations.get(id);
    if (!conversation) return c.json(unknown(id), 404);
    const [messages, feedback] = await Promise.all([deps.db.messages.list(id), deps.db.feedback.ofConversation(id)]);
    return c.json({
      visitor: id,
      site: conversation.siteId,
      locale: conversation.locale,
      startedAt: conversation.createdAt,
      messages: messages.map((m) => ({
        id: m.clientId,
        role: m.role,
        text: m.text,
        at: m.createdAt,
        ...(m.role === 'assistant' ? { replyTo: m.replyTo, intent: m.intent, citations: m.citations, confidence: m.confidence } : {}),
      })),
      tickets: await deps.db.tickets.ofConversation(id),
      feedback,
      history: await loadHistory(deps.db, id),
    });
  });

  app.delete('/v1/admin/visitors/:id', requireScope('write'), async (c) => {
    const id = c.req.param('id');
    const conversation = await deps.db.conversations.get(id);
    if (!conversation) return c.json(unknown(id), 404);
    const caller = adminCaller(c);
    await eraseConversation(deps, conversation, { actor: caller.actor, action: 'visitor.erased', address: caller.address }, runtime.eraseConversation);
    return c.body(null, 204);
  });
}
