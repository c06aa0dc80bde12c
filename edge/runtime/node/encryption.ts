/**
 * Encryption at rest on the Node server: a line at start saying what is sealed, and rotation
 * in the background once the server is ready: when DATA_ENCRYPTION_KEY holds older keys
 * besides the current one, what they sealed is re-sealed under the current key, a batch at a
 * time, with progress and a summary in the log. A stop cuts it short between batches; the next
 * start (or `npm run encryption -- rotate`) goes on where it stopped.
 */
import type { Config } from '../../config/schema';
import { cipherFor } from '../../core/crypto';
import type { Db, Logger, RotateSummary } from '../../core/ports';

/** What the start log says, or null for the embedded demo without a key (nothing worth saying). */
export function describeEncryption(config: Pick<Config, 'DATA_ENCRYPTION_KEY' | 'POSTGRES_URL'>): { level: 'info' | 'warn'; text: string } | null {
  const { kids } = cipherFor(config.DATA_ENCRYPTION_KEY);
  if (kids.length > 0) {
    const older = kids.length > 1 ? ` (older: ${kids.slice(1).join(', ')})` : '';
    return { level: 'info', text: `encryption at rest: AES-256-GCM under key ${kids[0]}${older}` };
  }
  if (config.POSTGRES_URL) return { level: 'warn', text: 'encryption at rest is off: visitor messages, tickets and feedback are stored in the clear (set DATA_ENCRYPTION_KEY)' };
  return null;
}

export interface BackgroundRotation {
  /** The summary once done (null when there was nothing to rotate); never rejects. */
  done: Promise<RotateSummary | null>;
  stop(): Promise<void>;
}

const PROGRESS_EVERY_MS = 5_000;

export function rotateInBackground(db: Db, config: Pick<Config, 'DATA_ENCRYPTION_KEY'>, log: Logger, batch = 100): BackgroundRotation {
  const { kids } = cipherFor(config.DATA_ENCRYPTION_KEY);
  // One key: nothing older to re-seal, and no reason to scan the tables at every start.
  if (kids.length < 2 || !db.encryption) return { done: Promise.resolve(null), stop: async () => {} };
  const encryption = db.encryption;
  const abort = new AbortController();
  const started = Date.now();
  let lastLog = started;
  const done = (async (): Promise<RotateSummary | null> => {
    // After the server is listening: rotation never delays readiness.
    await new Promise((r) => setTimeout(r, 0));
    const summary = await encryption.rotate({
      batch,
      signal: abort.signal,
      onProgress: ({ column, resealed }) => {
        if (Date.now() - lastLog < PROGRESS_EVERY_MS) return;
        lastLog = Date.now();
        log.info(`encryption at rest: rotating ${column}: ${resealed} re-sealed so far`, { stage: 'encryption' });
      },
    });
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const stopped = abort.signal.aborted ? ' (stopped early: the next start goes on)' : '';
    if (summary.resealed > 0 || abort.signal.aborted) {
      log.info(`encryption at rest: ${summary.resealed} value(s) re-sealed under key ${summary.kid} in ${secs} s${stopped}`, { stage: 'encryption' });
    }
    if (summary.failed > 0) {
      log.error(`encryption at rest: ${summary.failed} value(s) would not open and were left as they are: ${summary.errors.join('; ')}`, { stage: 'encryption' });
    }
    return summary;
  })().catch((err: unknown) => {
    // A database gone mid-way (a restart): the next start, or the CLI, rotates the rest.
    log.warn(`encryption at rest: rotation stopped: ${err instanceof Error ? err.message : String(err)}`, { stage: 'encryption' });
    return null;
  });
  return {
    done,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}
