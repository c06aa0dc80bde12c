/**
 * What the product holds about one visitor, for the site's operator (the admin token):
 * `GET /v1/admin/visitors/:id/export` returns it as JSON, `DELETE /v1/admin/visitors/:id`
 * erases it from the database (the conversation, its messages, tickets and feedback go with
 * it), the session store (its event log, which holds message text) and, on Workers, its
 * Durable Object's storage; the audit trail keeps its entries with the conversation's digest
 * in place of its id, and records the erasure without what was erased. A
 * visitor is known by their conversation id: the widget is anonymous, and an order look-up's
 * email lives only in that conversation's messages. Chunk vectors hold site content only.
 */
import type { Hono } from 'hono';
import type { Deps } from '../core/deps';
import { hashSecret } from '../core/secrets';
import { loadHistory } from '../conversation/history';

export interface VisitorRuntime {
  /** Storage the runtime keeps per conversation besides the shared stores (a Durable Object's). */
  eraseConversation?(id: string, siteId: string): Promise<void>;
}

export function mountVisitors(app: Hono, deps: Deps, runtime: VisitorRuntime = {}): void {
  const unknown = (id: string) => ({ error: { code: 'unknown_session', message: `no visitor "${id.slice(0, 64)}"` } });

  app.get('/v1/admin/visitors/:id/export', async (c) => {
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

  app.delete('/v1/admin/visitors/:id', async (c) => {
    const id = c.req.param('id');
    const conversation = await deps.db.conversations.get(id);
    if (!conversation) return c.json(unknown(id), 404);
    // The copies first, the record last: a failure part-way leaves something to erase again.
    await deps.sessions.forget(id);
    await runtime.eraseConversation?.(id, conversation.siteId);
    await deps.db.conversations.delete(id);
    // Which conversation, as a digest: the trail (a ticket opened, then the erasure) still
    // reads in order, and nothing in it leads back to the visitor.
    const digest = (await hashSecret(id)).slice(0, 16);
    await deps.db.audit.pseudonymize(id, digest);
    await deps.db.audit.add({ siteId: conversation.siteId, actor: 'admin', action: 'visitor.erased', detail: { conversation: digest } });
    return c.body(null, 204);
  });
}
