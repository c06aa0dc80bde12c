/**
 * The Node server as a real process reporting errors to a local server speaking Sentry's
 * envelope protocol (tests/servers/sentry-receiver.ts), with SENTRY_DSN pointing at it. The
 * errors are real: Debian's PostgreSQL 15 (vectors in a local server speaking Qdrant's
 * protocol, as it has no pgvector) is stopped under the process. A report names the stage and
 * never carries what the visitor wrote, their email or their session id.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQdrantFake, type QdrantFake } from '../fakes/qdrant-server';
import { SECRET as CRASH_SECRET } from '../helpers/crashing-process';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process';
import { TestSocket } from '../helpers/ws-client';
import { skipWithout } from '../servers/availability';
import { waitFor } from '../../scripts/local/free-port';
import { postgres15Missing, startPostgres15, type RunningPostgres } from '../servers/postgres15';
import { startSentryReceiver, type Envelope, type SentryReceiver } from '../servers/sentry-receiver';
import { startSlowLink, type SlowLink } from '../servers/slow-link';

const skip = skipWithout('PostgreSQL 15', postgres15Missing());
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const EMAIL = 'ann.example@mail.example';
const TEXT = `where is my order A-1001? write to ${EMAIL}`;
/** Longer than the flush would need on loopback, shorter than the ~2 s shutdown allows for it. */
const LINK_DELAY_MS = 1000;

type Event = Record<string, any>;
const eventsOf = (r: SentryReceiver): Event[] =>
  r.envelopes.flatMap((env) => env.items.filter((i) => i.header.type === 'event').map((i) => i.payload as Event));
async function eventWhere(r: SentryReceiver, what: string, pred: (e: Event) => boolean, ms = 15_000): Promise<Event> {
  await waitFor(`a Sentry event with ${what}`, async () => eventsOf(r).some(pred), { ms });
  return eventsOf(r).find(pred)!;
}
const rawOf = (r: SentryReceiver) => r.envelopes.map((e: Envelope) => e.raw).join('\n');
const postChat = (p: NodeProcess, session?: string, resume?: string) =>
  fetch(`${p.url}/v1/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site: 'demo', ...(session ? { session, resume } : {}), id: 'h1', text: TEXT }),
  });

describe.skipIf(skip)('Node process → a local server speaking Sentry\'s envelope protocol (SENTRY_DSN)', () => {
  let postgres: RunningPostgres;
  let qdrant: QdrantFake;
  /** A reports straight to `direct`; B through a slow link to `delayed`; C has no SENTRY_DSN. */
  let direct: SentryReceiver;
  let delayed: SentryReceiver;
  let link: SlowLink;
  let a: NodeProcess;
  let b: NodeProcess;
  let c: NodeProcess;

  beforeAll(async () => {
    [postgres, qdrant, direct, delayed] = await Promise.all([startPostgres15(), startQdrantFake(), startSentryReceiver(), startSentryReceiver()]);
    link = await startSlowLink(Number(new URL(delayed.dsn).port), LINK_DELAY_MS);
    const env = { POSTGRES_URL: postgres.url, QDRANT_URL: qdrant.url, LOG_LEVEL: 'info' };
    const slowDsn = new URL(delayed.dsn);
    slowDsn.port = String(link.port);
    // One first: the migrations and the demo data are applied once, then the others start on them.
    a = await startNodeProcess({ env: { ...env, SENTRY_DSN: direct.dsn } });
    [b, c] = await Promise.all([
      startNodeProcess({ env: { ...env, SENTRY_DSN: slowDsn.toString() } }),
      // Empty, as a .env line `SENTRY_DSN=` leaves it: not set.
      startNodeProcess({ env: { ...env, SENTRY_DSN: '' } }),
    ]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([a, b, c].map((p) => p?.stop()));
    await Promise.all([link?.stop(), direct?.stop(), delayed?.stop(), qdrant?.close()]);
    await postgres?.stop();
  });

  it('says at start which Sentry it reports to, by host and without the DSN\'s key', () => {
    const host = new URL(direct.dsn).host;
    expect(a.output()).toMatch(new RegExp(`errors\\s+Sentry at ${host.replace(/\./g, '\\.')}`));
    expect(a.output()).not.toContain('public@');
  });

  it('reports a message the stores could not take (logged by the core) and a failing HTTP route (the real error, once), with no visitor words, email or session id', async () => {
    const s = await TestSocket.open(a.wsUrl());
    const ready = await s.hello();
    await postgres.down();
    try {
      s.send({ type: 'message', id: 'w1', text: TEXT });
      expect((await s.next('error', (f) => f.ref === 'w1', 20_000)).code).toBe('unavailable');
      const res = await postChat(a, ready.session, ready.resume);
      expect(res.status).toBe(500);

      const core = await eventWhere(direct, 'stage core.message-not-taken', (e) => e.tags?.stage === 'core.message-not-taken');
      expect(core.exception.values[0].type).toBe('LoggedError');
      const http = await eventWhere(direct, 'stage http', (e) => e.tags?.stage === 'http');
      expect(http.request).toEqual({ method: 'POST', url: `${a.url}/v1/chat` });
      // The real error: the driver's, with its frames and its code, not a "request failed" line.
      expect(http.exception.values[0].type).not.toBe('LoggedError');
      expect(http.exception.values[0].stacktrace.frames.length).toBeGreaterThan(0);
      // The driver's (refused, or the server's admin shutdown), found below drizzle's wrapper.
      expect(http.tags.code).toMatch(/^(ECONNREFUSED|57P01)$/);
    } finally {
      s.close();
      await postgres.up();
    }
    // Everything in flight is out once the process has stopped (it flushes on SIGTERM).
    expect((await a.stop()).code).toBe(0);
    const events = eventsOf(direct);
    expect(events.filter((e) => e.tags?.stage === 'http')).toHaveLength(1);
    expect(events.filter((e) => /request-failed/.test(e.tags?.stage ?? ''))).toEqual([]);
    expect(a.output()).toMatch(/request failed/); // still logged
    const raw = rawOf(direct);
    for (const secret of [TEXT, EMAIL, 'A-1001', ready.session]) expect(raw).not.toContain(secret);
    expect(events.every((e) => e.user === undefined && e.breadcrumbs === undefined)).toBe(true);
  }, 120_000);

  it('SIGTERM right after an error: the report still arrives over a slow link, then the process exits 0', async () => {
    await postgres.down();
    try {
      expect((await postChat(b)).status).toBe(500);
      b.signal('SIGTERM');
      expect(await b.exited).toEqual({ code: 0, signal: null });
    } finally {
      await postgres.up();
    }
    // The process waited for the report: the link had nothing to drop.
    expect(link.dropped()).toBe(0);
    const http = await eventWhere(delayed, 'stage http', (e) => e.tags?.stage === 'http', 5_000);
    expect(http.request.url).toBe(`${b.url}/v1/chat`);
    expect(rawOf(delayed)).not.toContain(EMAIL);
  }, 120_000);

  it('without SENTRY_DSN: the log says "errors off", errors are logged, and nothing is sent', async () => {
    expect(c.output()).toMatch(/errors\s+off/);
    const before = [direct, delayed].map((r) => r.envelopes.length);
    const s = await TestSocket.open(c.wsUrl());
    await s.hello();
    await postgres.down();
    try {
      s.send({ type: 'message', id: 'c1', text: TEXT });
      expect((await s.next('error', (f) => f.ref === 'c1', 20_000)).code).toBe('unavailable');
      await waitFor('the error in the log', async () => /message not taken/.test(c.output()));
    } finally {
      s.close();
      await postgres.up();
    }
    expect((await c.stop()).code).toBe(0);
    expect([direct, delayed].map((r) => r.envelopes.length)).toEqual(before);
    expect(link.forwarded() + link.dropped()).toBeLessThanOrEqual(1); // B's one report, nothing from C
  }, 120_000);
});

describe('a Node process\'s uncaught exception and unhandled rejection → a local server speaking Sentry\'s envelope protocol', () => {
  let receiver: SentryReceiver;
  let link: SlowLink;
  beforeAll(async () => {
    receiver = await startSentryReceiver();
    link = await startSlowLink(Number(new URL(receiver.dsn).port), LINK_DELAY_MS);
  });
  afterAll(async () => {
    await link?.stop();
    await receiver?.stop();
  });

  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/crashing-process.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (code) => resolve({ code, output }));
    });

  it('reports both with their stage and type, waits for them to be sent, and exits 1 as Node would', async () => {
    const dsn = new URL(receiver.dsn);
    dsn.port = String(link.port);
    const { code, output } = await run({ SENTRY_DSN: dsn.toString() });
    expect(code, output).toBe(1);
    expect(output).toMatch(/unhandled rejection/);
    expect(output).toMatch(/uncaught exception/);
    expect(link.dropped()).toBe(0);
    const thrown = await eventWhere(receiver, 'stage process.uncaughtException', (e) => e.tags?.stage === 'process.uncaughtException', 5_000);
    expect(thrown.exception.values[0].type).toBe('RangeError');
    const rejected = await eventWhere(receiver, 'stage process.unhandledRejection', (e) => e.tags?.stage === 'process.unhandledRejection', 5_000);
    expect(rejected.exception.values[0].type).toBe('TypeError');
    const raw = rawOf(receiver);
    // The card by its spaced groups: a bare "4242" turns up in random event and trace ids (it
    // failed once so).
    for (const secret of [CRASH_SECRET, '4242 4242', 'ann.crash@mail.example']) expect(raw).not.toContain(secret);
  }, 60_000);

  it('without SENTRY_DSN it still logs the exception and exits 1', async () => {
    const before = receiver.envelopes.length;
    const { code, output } = await run({});
    expect(code, output).toBe(1);
    expect(output).toMatch(/uncaught exception.*RangeError/s);
    expect(receiver.envelopes.length).toBe(before);
  }, 60_000);
});
