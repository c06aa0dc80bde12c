/**
 * Errors to Sentry from the Workers runtime. Requests and Durable Object events are wrapped
 * and report the real error with their stage; failures inside the core (a turn that failed,
 * which the core catches and logs) reach Sentry through the logger, because the core has no
 * reporter in `Deps` yet: such a report carries the log message as its name, the stage and the
 * site, and none of the logged fields (they can quote the visitor).
 */
import type { Logger } from '../../core/ports';
import { noopErrorReporter, type ErrorContext, type ErrorReporter } from '../../ops/errors';
import { createSentryReporter } from '../../ops/sentry';

/** Logged by edge/app.ts's error handler: the request wrapper reports that error itself. */
const REPORTED_BY_WRAPPER = new Set(['request failed']);

export class LoggedError extends Error {
  override name = 'LoggedError';
}

export function reportingLogger(log: Logger, reporter: ErrorReporter): Logger {
  if (reporter === noopErrorReporter) return log;
  return {
    debug: (m, f) => log.debug(m, f),
    info: (m, f) => log.info(m, f),
    warn: (m, f) => log.warn(m, f),
    error(msg, fields) {
      log.error(msg, fields);
      if (REPORTED_BY_WRAPPER.has(msg)) return;
      const stage = typeof fields?.stage === 'string' ? `core.${fields.stage}` : `core.${msg.replace(/\W+/g, '-').slice(0, 40)}`;
      const site = typeof fields?.site === 'string' ? fields.site : undefined;
      reporter.capture(new LoggedError(msg), { stage, ...(site ? { site } : {}) });
    },
  };
}

/** A Sentry reporter for this request or event when `SENTRY_DSN` is set, else nothing. */
export function reporterFor(dsn: string | undefined, context: { waitUntil(p: Promise<unknown>): void }, request?: Request): ErrorReporter {
  if (!dsn) return noopErrorReporter;
  return createSentryReporter({ dsn, context, request });
}

/** Runs `work`; a throw is reported with its stage and thrown on. */
export async function reported<T>(reporter: ErrorReporter, ctx: ErrorContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    reporter.capture(err, ctx);
    throw err;
  }
}
