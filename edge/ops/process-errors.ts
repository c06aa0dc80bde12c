/**
 * Node only: errors that nothing else caught, reported before they are lost. An uncaught
 * exception still ends the process with code 1, as Node's default would, but only once the
 * report is out (or `flushMs` has passed): the state after one is unknown.
 */
import type { Logger } from '../core/ports';
import type { ErrorReporter } from './errors';
import { flushWithin } from './reporting';

/** `log` must not be a reporting logger: these errors are reported with their real object here. */
export function reportProcessErrors(reporter: ErrorReporter, log: Logger, opts: { flushMs?: number } = {}): void {
  process.on('unhandledRejection', (err) => {
    log.error('unhandled rejection', { error: String(err) });
    reporter.capture(err, { stage: 'process.unhandledRejection' });
  });
  let crashing = false;
  process.on('uncaughtException', (err) => {
    log.error('uncaught exception', { error: err instanceof Error && err.stack ? err.stack : String(err) });
    reporter.capture(err, { stage: 'process.uncaughtException' });
    if (crashing) return;
    crashing = true;
    void flushWithin(reporter, opts.flushMs ?? 2000).finally(() => process.exit(1));
  });
}
