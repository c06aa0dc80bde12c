/**
 * The one thing the widget stores: the conversation id and its resume secret, in localStorage,
 * per site and server.
 * Written only once a conversation exists (after the visitor or the host opened the widget);
 * storage that throws (private modes, blocked cookies) just means no memory across reloads.
 */
const PREFIX = 'support-chat:';
/** A conversation untouched this long starts afresh rather than resuming a stranger's old chat. */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

export function storageKey(endpoint: string, site: string): string {
  return `${PREFIX}${endpoint}|${site}`;
}

export interface StoredSession {
  id: string;
  /** The secret that resumes it; without it the server starts a new conversation. */
  resume?: string;
}

export function readSession(key: string): StoredSession | undefined {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return undefined;
    const { id, resume, at } = JSON.parse(raw) as { id?: unknown; resume?: unknown; at?: unknown };
    if (typeof id !== 'string' || typeof at !== 'number' || Date.now() - at > MAX_AGE_MS) return undefined;
    return { id, ...(typeof resume === 'string' ? { resume } : {}) };
  } catch {
    return undefined;
  }
}

export function writeSession(key: string, session: StoredSession | undefined): void {
  try {
    if (session) localStorage.setItem(key, JSON.stringify({ ...session, at: Date.now() }));
    else localStorage.removeItem(key);
  } catch {
    // Nothing to do: the conversation still works for as long as the page is open.
  }
}

/** Message ids only need to be unique per conversation; `randomUUID` needs a secure context. */
export function newId(prefix = 'm'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return prefix + '_' + Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}

/** Asks the server to erase a conversation (a site with `eraseOnReset`); a failure changes nothing here. */
export function eraseSession(server: { endpoint: string; key?: string }, session: StoredSession): void {
  const url = new URL(`/v1/sessions/${encodeURIComponent(session.id)}`, server.endpoint);
  if (server.key) url.searchParams.set('key', server.key);
  fetch(url, { method: 'DELETE', headers: { 'X-Resume-Secret': session.resume! }, keepalive: true }).catch(() => {});
}
