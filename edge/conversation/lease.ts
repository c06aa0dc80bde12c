import type { Logger, SessionStore } from '../core/ports';

/** The key of the lease on answering one message. */
export const turnKey = (session: string, messageId: string) => `turn:${session}:${messageId}`;

export interface HeldLease {
  /** Stops renewing and frees the lease; never rejects. */
  stop(): Promise<void>;
}

/**
 * Takes the lease on `key` and renews it every third of its TTL while the work runs: a live
 * process keeps it, a dead one lets it lapse so another can take the message over. Null when
 * someone else holds it.
 */
export async function takeLease(
  store: SessionStore,
  key: string,
  owner: string,
  ttlMs: number,
  log: Logger,
): Promise<HeldLease | null> {
  if (!(await store.lease(key, owner, ttlMs))) return null;
  const timer = setInterval(() => {
    store.lease(key, owner, ttlMs).then(
      (ok) => ok || log.warn('a message lease was lost while answering; another process may answer it too', { key }),
      // The store is down: renewal resumes with it, and until then nobody else can take it either.
      () => {},
    );
  }, Math.max(100, Math.floor(ttlMs / 3)));
  // Renewal alone must not keep a stopping process alive (no unref on Workers).
  (timer as { unref?: () => void }).unref?.();
  let stopped: Promise<void> | null = null;
  return {
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(timer);
        await store.unlease(key, owner).catch(() => {});
      })()),
  };
}
