/**
 * A conversation's pending record (conversation/pending.ts) in its own Durable Object: every
 * socket and request for that id is routed to this object, so its storage is the one place
 * that needs it, with or without a shared session store. Erasure deletes it with the rest.
 */
import type { PendingConversation, PendingConversations } from '../../conversation/pending';
import type { SqlStorage } from './platform';

export function pendingInObject(sql: SqlStorage): PendingConversations {
  sql.exec(`CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, site TEXT NOT NULL, locale TEXT, resume_hash TEXT)`);
  return {
    async put(c) {
      sql.exec('INSERT OR REPLACE INTO pending (id, site, locale, resume_hash) VALUES (?, ?, ?, ?)', c.id, c.siteId, c.locale, c.resumeHash);
    },
    async get(id) {
      const [row] = sql.exec<{ site: string; locale: string | null; resume_hash: string | null }>('SELECT site, locale, resume_hash FROM pending WHERE id = ?', id).toArray();
      return row ? ({ id, siteId: row.site, locale: row.locale, resumeHash: row.resume_hash } satisfies PendingConversation) : null;
    },
  };
}
