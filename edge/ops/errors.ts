/**
 * Error reporting, as the core sees it. (This interface belongs in edge/core/ports.ts beside
 * Logger; it lives here until that file is changed.)
 *
 * A report names where it failed (`stage`), the request's method and path, and the site.
 * Implementations must never send what a visitor wrote, their email, IP address, cookies or
 * session ids: see `scrubPath` and the Sentry reporter.
 */
export interface ErrorContext {
  /** The step that failed: "ws.message", "pipeline.retrieve", "http.chat", … */
  stage: string;
  request?: { method: string; url: string };
  site?: string;
  tags?: Record<string, string>;
}

export interface ErrorReporter {
  /** Never throws and never waits: reporting must not break or slow the request. */
  capture(err: unknown, ctx: ErrorContext): void;
  /** Resolves when reports in flight are sent (or given up). */
  flush?(): Promise<void>;
}

/** When no error service is configured. */
export const noopErrorReporter: ErrorReporter = {
  capture() {},
  flush: () => Promise.resolve(),
};

/**
 * A path with its identifiers replaced: `/v1/sessions/s_Ab3…` → `/v1/sessions/:id`. Kept are
 * version segments (`v1`) and lowercase words, with dots for file names (`support-chat.js`);
 * ids (ours hold `_`, upper case or digits), emails and anything else become `:id`.
 */
export function scrubPath(pathname: string): string {
  return pathname
    .split('/')
    .map((seg) => (seg === '' || /^(?:v\d{1,2}|[a-z][a-z-]{0,30}(?:\.[a-z0-9]{1,8}){0,3})$/.test(seg) ? seg : ':id'))
    .join('/');
}

/** Origin and scrubbed path; the query string (session ids, tokens) and fragment are dropped. */
export function scrubUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${scrubPath(u.pathname)}`;
  } catch {
    return scrubPath(url.split(/[?#]/)[0]);
  }
}

/** Tag names that could carry personal data are dropped, values are capped. */
const UNSAFE_TAG = /session|e-?mail|user|name|phone|token|cookie|auth|text|message|query|(?:^|[^a-z])ip(?:[^a-z]|$)/i;
export function safeTags(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) {
    if (UNSAFE_TAG.test(k) || typeof v !== 'string') continue;
    out[k.slice(0, 32)] = v.slice(0, 64);
  }
  return out;
}
