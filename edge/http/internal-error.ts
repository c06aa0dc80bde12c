import type { Hono } from 'hono';
import type { Logger } from '../core/ports';
import type { ErrorReporter } from '../ops/errors';
import { reportRequestErrors } from '../ops/reporting';

/** All a visitor learns of an exception on our side. */
export const INTERNAL_ERROR = { error: { code: 'internal', message: 'something went wrong on our side' } } as const;

/**
 * An exception in a route becomes a 500 that says nothing of it, logged as "request failed"
 * (which the reporting logger leaves to the request's reporter). With `report`, the exception
 * itself goes to the reporter under its stage: registered here, before the routes, it sees them all.
 */
export function answerErrors(app: Hono, log: Logger, report?: { reporter: ErrorReporter; stage: string }): void {
  app.onError((err, c) => {
    log.error('request failed', { request: c.get('requestId'), path: c.req.path, error: String(err) });
    return c.json(INTERNAL_ERROR, 500);
  });
  if (report) app.use('*', reportRequestErrors(report.reporter, report.stage));
}
