/**
 * The part of toucan-js that sentry.ts uses. toucan-js's own declarations start with
 * `/// <reference types="@cloudflare/workers-types" />`, which replaces DOM globals (Request,
 * Response, ReadableStream…) in the whole Node/browser program and breaks unrelated files; the
 * Workers build, which wants those types, gets the real module through toucan-shim.js anyway.
 */
export interface SentryFrame {
  filename?: string;
  function?: string;
  module?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
}
export interface SentryException {
  type?: string;
  value?: string;
  mechanism?: { type: string; handled?: boolean };
  stacktrace?: { frames?: SentryFrame[] };
}
export interface SentryEvent {
  type?: undefined;
  event_id?: string;
  timestamp?: number;
  platform?: string;
  level?: string;
  environment?: string;
  release?: string;
  sdk?: unknown;
  tags?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  contexts?: Record<string, Record<string, unknown> | undefined>;
  exception?: { values?: SentryException[] };
  request?: { method?: string; url?: string; headers?: Record<string, string> };
  [key: string]: unknown;
}
export interface ToucanScope {
  setTags(tags: Record<string, string>): unknown;
  addEventProcessor(fn: (event: SentryEvent) => SentryEvent | null): unknown;
  captureException(exception: unknown): string;
}
type Allowlist = string[] | RegExp | boolean;
export interface ToucanOptions {
  dsn: string;
  context: { waitUntil(promise: Promise<unknown>): void };
  request?: Request;
  environment?: string;
  release?: string;
  sendDefaultPii?: boolean;
  requestDataOptions?: { allowedHeaders?: Allowlist; allowedCookies?: Allowlist; allowedSearchParams?: Allowlist; allowedIps?: Allowlist };
  beforeSend?: (event: SentryEvent) => SentryEvent | null;
  beforeBreadcrumb?: (breadcrumb: unknown) => unknown;
  transportOptions?: { fetcher?: typeof fetch; headers?: Record<string, string> };
}
export declare class Toucan implements ToucanScope {
  constructor(options: ToucanOptions);
  setTags(tags: Record<string, string>): this;
  addEventProcessor(fn: (event: SentryEvent) => SentryEvent | null): this;
  captureException(exception: unknown): string;
  withScope<T>(callback: (scope: ToucanScope) => T): T;
  getClient(): { flush(timeout?: number): PromiseLike<boolean> } | undefined;
}
