/**
 * Node's retry loop: every `everyMs`, the deliveries due are attempted again (one run at a
 * time). The timer is unref'd, so it never keeps a process alive; the Worker uses its cron
 * (runtime/workers/scheduled.ts) instead.
 */
import { retryDue, type NotifyDeps } from './deliver';

export const RETRY_EVERY_MS = 15_000;

/** Starts the loop; the function returned stops it and waits for a run in progress. */
export function startWebhookRetries(deps: NotifyDeps, everyMs: number = RETRY_EVERY_MS): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = retryDue(deps).finally(() => (running = null));
  }, everyMs);
  (timer as { unref?: () => void }).unref?.();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
