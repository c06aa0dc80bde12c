/**
 * Errors to Sentry from the Workers runtime: the same reporting as on Node (edge/ops/reporting.ts),
 * with a reporter per request or Durable Object, sending through its `waitUntil`.
 */
export { LoggedError, reported, reporterFor, reportingLogger } from '../../ops/reporting';
