/**
 * Errors to the reporter, the same way on every runtime. Requests are wrapped and report the
 * real error with their stage; failures inside the core (a turn that failed, which the core
 * catches and logs) reach the reporter through the logger, because the core has no reporter in
 * `Deps` yet: such a report carries the log message as its name, the stage and the site, and
 * none of the logged fields (they can quote the visitor).
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../core/ports';
import { noopErrorReporter, type ErrorContext, type ErrorReporter } from './errors';
import { createSentryReporter } from './sentry';

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

/**
 * A Sentry reporter when `SENTRY_DSN` is set, else nothing. On Workers, one per request or
 * event, sending through its `waitUntil`; on Node, one for the process (no context: the
 * reporter keeps its sends for `flush()`).
 */
export function reporterFor(dsn: string | undefined, context?: { waitUntil(p: Promise<unknown>): void }, request?: Request): ErrorReporter {
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

/**
 * Reports the error behind a 500: Hono sets `c.error` when an error handler (the app's own,
 * which logs "request failed") turned an exception into a response. Registered before the routes.
 */
export function reportRequestErrors(reporter: ErrorReporter, stage: string): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.error) reporter.capture(c.error, { stage, request: { method: c.req.method, url: c.req.url } });
  };
}

/** Waits for reports in flight, for at most `ms`: a Sentry that does not answer must not hold a shutdown. */
export async function flushWithin(reporter: ErrorReporter, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((ok) => {
    timer = setTimeout(ok, ms);
  });
  try {
    await Promise.race([(reporter.flush?.() ?? Promise.resolve()).catch(() => {}), late]);
  } finally {
    clearTimeout(timer);
  }
}
