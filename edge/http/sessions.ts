/**
 * A conversation, for its own widget: `GET /v1/sessions/:id` reads its history, `DELETE`
 * erases it (the widget's "new conversation" on a site whose `eraseOnReset` is on). Both take
 * the resume secret in `X-Resume-Secret` and the site's own rules (origin, key or token); any
 * failure there is the same 404, so an answer never tells whether an id exists. Staff (an
 * admin token with `read`, an agent of the conversation's site) may read without the secret.
 */
import type { Context, Hono } from 'hono';
import type { Deps } from '../core/deps';
import type { ConversationRow } from '../core/ports';
import { secretMatches } from '../core/secrets';
import { eraseConversation, type RuntimeErase } from '../conversation/erase';
import { loadHistory } from '../conversation/history';
import { callerOf } from './admin-auth';
import { agentOf } from './agent-auth';
import { checkSite } from './site-access';
import type { Site } from '../core/ports';

export function mountSessions(app: Hono, deps: Deps, runtimeErase?: RuntimeErase): void {
  /** The conversation and its site when the caller may act on it; null otherwise. */
  const owned = async (c: Context, id: string): Promise<{ conversation: ConversationRow; site: Site } | null> => {
    const conversation = await deps.db.conversations.get(id);
    if (!conversation || !(await secretMatches(c.req.header('x-resume-secret'), conversation.resumeHash))) return null;
    const check = await checkSite(deps.db, conversation.siteId, c.req.header('origin'), { key: c.req.query('key'), authorization: c.req.header('authorization') });
    return check.ok ? { conversation, site: check.site } : null;
  };
  const unknown = (id: string) => ({ error: { code: 'unknown_session', message: `no session "${id.slice(0, 64)}" that you may use` } });

  /**
   * Staff read any conversation of theirs without its secret: a stored admin token with `read`
   * (256 random bits; ADMIN_TOKEN itself is only taken by /v1/admin, where wrong guesses are
   * counted), or an agent of its site.
   */
  const staffMayRead = async (c: Context, siteId: string): Promise<boolean> => {
    const bearer = /^Bearer\s+(adm_\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (bearer && (await callerOf(deps, bearer, 'unknown'))?.scopes.has('read')) return true;
    return (await agentOf(deps, c))?.siteId === siteId;
  };

  app.get('/v1/sessions/:id', async (c) => {
    const id = c.req.param('id');
    const found = await owned(c, id);
    const conversation = found?.conversation ?? (await deps.db.conversations.get(id));
    if (!conversation || (!found && !(await staffMayRead(c, conversation.siteId)))) return c.json(unknown(id), 404);
    const history = await loadHistory(deps.db, id);
    return c.json({ session: id, site: conversation.siteId, seq: conversation.lastSeq, history });
  });

  app.delete('/v1/sessions/:id', async (c) => {
    const id = c.req.param('id');
    const found = await owned(c, id);
    if (!found) return c.json(unknown(id), 404);
    if (!found.site.settings?.eraseOnReset) {
      return c.json({ error: { code: 'erase_disabled', message: `site "${found.site.id}" keeps its conversations (its eraseOnReset setting is off)` } }, 403);
    }
    await eraseConversation(deps, found.conversation, { actor: 'visitor', action: 'conversation.erased' }, runtimeErase);
    return c.body(null, 204);
  });
}
