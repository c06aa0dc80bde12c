/**
 * A conversation a client said hello to but has not written in yet. Its id and resume secret
 * are handed out at once (the widget stores them, a second tab resumes with them), but the
 * database row waits for the first message or hand-off: a page that opens the widget and
 * leaves, or a flood of hellos, writes nothing to the database. Kept in the session store
 * (shared by every process on Redis) or, on Workers, in the conversation's own object.
 */
import type { SessionStore } from '../core/ports';

export interface PendingConversation {
  id: string;
  siteId: string;
  locale: string | null;
  /** Null only for a row stored without one (before resume secrets, or its record lost). */
  resumeHash: string | null;
}

export interface PendingConversations {
  put(c: PendingConversation): Promise<void>;
  get(id: string): Promise<PendingConversation | null>;
}

/** Longer than a visit, shorter than forever: a widget idle for longer starts afresh. */
export const PENDING_TTL_SECONDS = 7 * 24 * 3600;

export function pendingInSessions(sessions: SessionStore): PendingConversations {
  const key = (id: string) => `pending-conversation:${id}`;
  return {
    put: (c) => sessions.cacheSet(key(c.id), c, PENDING_TTL_SECONDS),
    get: (id) => sessions.cacheGet<PendingConversation>(key(id)),
  };
}
