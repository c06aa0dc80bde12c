/**
 * ErrorReporter on Sentry through toucan-js (built for Workers: no globals, one instance per
 * request, sending through `ctx.waitUntil`). Runs in Node too (global fetch).
 *
 * What is sent is an allow-list, applied in `beforeSend` after every integration ran: the
 * error's type, its stack frames (code locations) and its `code` (SQLSTATE, errno) but not its
 * message (which can quote what a visitor wrote), the stage and site tags, and the request's
 * method with origin and scrubbed path (no query, headers, cookies, body or IP). No user, no
 * breadcrumbs, no extra data.
 */
import type { ErrorContext, ErrorReporter } from './errors';
import { safeTags, scrubUrl } from './errors';
import { Toucan, type SentryEvent } from './toucan-shim';

export interface SentryReporterOptions {
  dsn: string;
  /** The Worker's `ExecutionContext` (or a Durable Object's state); sends are handed to its `waitUntil`. */
  context?: { waitUntil(promise: Promise<unknown>): void };
  /** The incoming request, when there is one (a Durable Object's socket message has none). */
  request?: Request;
  environment?: string;
  release?: string;
  /** For tests and runtimes whose global fetch does not fit. */
  fetch?: typeof fetch;
}

/** Request headers that say nothing about the person: kept for debugging. */
const SAFE_HEADERS = ['content-type', 'content-length', 'accept', 'upgrade', 'cf-ray'];

export function createSentryReporter(opts: SentryReporterOptions): ErrorReporter {
  // Outside Workers nobody keeps the isolate alive for us: remember the sends for flush().
  const pending = new Set<Promise<unknown>>();
  const context = opts.context ?? {
    waitUntil(p: Promise<unknown>) {
      const settled = p.catch(() => {}).finally(() => pending.delete(settled));
      pending.add(settled);
    },
  };
  const toucan = new Toucan({
    dsn: opts.dsn,
    context,
    request: opts.request,
    environment: opts.environment,
    release: opts.release,
    requestDataOptions: { allowedHeaders: SAFE_HEADERS, allowedCookies: false, allowedSearchParams: false, allowedIps: false },
    beforeSend: (event) => allowListed(event),
    beforeBreadcrumb: () => null,
    sendDefaultPii: false,
    ...(opts.fetch ? { transportOptions: { fetcher: opts.fetch } } : {}),
  });

  return {
    capture(err: unknown, ctx: ErrorContext) {
      try {
        toucan.withScope((scope) => {
          const code = errorCode(err);
          scope.setTags({
            ...safeTags(ctx.tags),
            stage: ctx.stage,
            ...(ctx.site ? { site: ctx.site } : {}),
            ...(code ? { code } : {}),
          });
          if (ctx.request) {
            const request = { method: ctx.request.method.toUpperCase(), url: ctx.request.url };
            scope.addEventProcessor((event) => ({ ...event, request: event.request?.url ? event.request : request }));
          }
          scope.captureException(err);
        });
      } catch {
        // Reporting must never take the request down with it.
      }
    },
    async flush() {
      await Promise.all([...pending]);
      await toucan.getClient()?.flush(2000);
      await Promise.all([...pending]);
    },
  };
}

function allowListed(event: SentryEvent): SentryEvent {
  const req = event.request;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req?.headers ?? {})) if (SAFE_HEADERS.includes(k.toLowerCase())) headers[k] = v;
  return {
    event_id: event.event_id,
    timestamp: event.timestamp,
    platform: event.platform,
    level: event.level,
    environment: event.environment,
    release: event.release,
    sdk: event.sdk,
    tags: safeTags(event.tags as Record<string, string> | undefined),
    exception: event.exception && {
      values: event.exception.values?.map((v) => ({
        type: v.type,
        // The message can quote a visitor's words; the error's code (a tag) cannot.
        value: '[message withheld]',
        mechanism: v.mechanism && { type: v.mechanism.type, handled: v.mechanism.handled },
        stacktrace: v.stacktrace && {
          frames: v.stacktrace.frames?.map((f) => ({
            filename: f.filename?.split(/[?#]/)[0],
            function: f.function,
            module: f.module,
            lineno: f.lineno,
            colno: f.colno,
            in_app: f.in_app,
          })),
        },
      })),
    },
    request: req && {
      method: req.method,
      url: req.url && scrubUrl(req.url),
      ...(Object.keys(headers).length ? { headers } : {}),
    },
  };
}

/**
 * A machine code (SQLSTATE `42P01`, errno `ECONNREFUSED`) is safe to send; anything else is not.
 * Looked for through `cause` too: drizzle wraps the driver's error in one of its own.
 */
function errorCode(err: unknown, depth = 0): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,32}$/.test(code)) return code;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause && depth < 3 ? errorCode(cause, depth + 1) : undefined;
}
