/**
 * Tickets in the database (PGlite in memory): numbered per site from #1001 with no number
 * given twice even when opened at once, one live ticket per conversation, taking a ticket
 * someone holds only with `force`, the queue's order and its cursor pages, and the migration
 * that numbered tickets opened before numbering existed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../../edge/core/ports';
import { decodeCursor, pageOf } from '../../../edge/core/pagination';
import { queueCursor } from '../../../edge/http/agent-api';
import { openPglite } from '../../../edge/stores/db/pglite';

/**
 * One database for the file (each new one costs its migrations), emptied before every test, so
 * numbers, queues and the migration's backfill never meet another test's rows.
 */
let shared: Awaited<ReturnType<typeof openPglite>> | null = null;
afterAll(async () => {
  await shared?.db.close();
});

async function withSites(...sites: string[]) {
  shared ??= await openPglite(null);
  await shared.pg.exec('TRUNCATE sites, ticket_numbers, tickets, conversations, messages, agents CASCADE');
  for (const id of sites) await shared.db.sites.upsert({ id, name: id, allowedOrigins: [] });
  return shared;
}

async function conversation(db: Db, siteId: string, id: string, question?: string) {
  await db.conversations.create({ id, siteId });
  if (question) {
    await db.messages.add({ id: `m-${id}`, conversationId: id, role: 'user', clientId: 'q1', replyTo: null, text: question, intent: null, citations: [], confidence: null });
    await db.messages.add({ id: `a-${id}`, conversationId: id, role: 'assistant', clientId: 'a1', replyTo: 'q1', text: `About ${question}`, intent: null, citations: [], confidence: 0.4 });
  }
}

describe('ticket numbers', () => {
  it('count per site from 1001, none given twice when many open at once', async () => {
    const { db } = await withSites('acme', 'globex');
    for (let i = 0; i < 12; i++) await conversation(db, 'acme', `c${i}`);
    await conversation(db, 'globex', 'g0');
    const numbers = await Promise.all(Array.from({ length: 12 }, (_, i) => db.tickets.open({ id: `t${i}`, siteId: 'acme', conversationId: `c${i}`, reason: null }).then((t) => t.number)));
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => 1001 + i));
    expect((await db.tickets.open({ id: 'tg', siteId: 'globex', conversationId: 'g0', reason: null })).number).toBe(1001);
  });

  it('a second request in the same conversation gets the live ticket, and uses up no number', async () => {
    const { db } = await withSites('acme');
    await conversation(db, 'acme', 'c1');
    await conversation(db, 'acme', 'c2');
    const first = await db.tickets.open({ id: 't1', siteId: 'acme', conversationId: 'c1', reason: 'help' });
    const twice = await Promise.all([db.tickets.open({ id: 't2', siteId: 'acme', conversationId: 'c1', reason: 'again' }), db.tickets.open({ id: 't3', siteId: 'acme', conversationId: 'c1', reason: 'and again' })]);
    expect(twice.map((t) => t.id)).toEqual(['t1', 't1']);
    expect((await db.tickets.open({ id: 't4', siteId: 'acme', conversationId: 'c2', reason: null })).number).toBe(first.number + 1);
    // Closed, the conversation can ask again: a new ticket, the next number.
    await db.tickets.close('t1', new Date());
    expect(await db.tickets.open({ id: 't5', siteId: 'acme', conversationId: 'c1', reason: null })).toMatchObject({ id: 't5', number: first.number + 2 });
  });

  it('the migration numbers tickets opened before numbering, per site in the order they came', async () => {
    const { db, pg } = await withSites('acme', 'globex');
    for (const [id, site, conv, at] of [
      ['old2', 'acme', 'c2', '2026-01-02'],
      ['old1', 'acme', 'c1', '2026-01-01'],
      ['oldg', 'globex', 'g1', '2026-01-03'],
    ] as const) {
      await conversation(db, site, conv);
      await pg.query(`INSERT INTO tickets (id, site_id, conversation_id, status, created_at) VALUES ($1, $2, $3, 'closed', $4)`, [id, site, conv, at]);
    }
    const migration = readFileSync(new URL('../../../edge/stores/db/migrations/0006_tickets_inbox.sql', import.meta.url), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').filter((s) => /UPDATE "tickets"|INSERT INTO "ticket_numbers"/.test(s));
    expect(backfill).toHaveLength(2);
    for (const statement of backfill) await pg.exec(statement);
    expect((await pg.query<{ id: string; number: number }>(`SELECT id, number FROM tickets ORDER BY id`)).rows).toEqual([
      { id: 'old1', number: 1001 },
      { id: 'old2', number: 1002 },
      { id: 'oldg', number: 1001 },
    ]);
    await conversation(db, 'acme', 'c3');
    expect((await db.tickets.open({ id: 'new', siteId: 'acme', conversationId: 'c3', reason: null })).number).toBe(1003);
  });
});

describe('whether a person holds the conversation', () => {
  it('"none" is read once and remembered until a ticket opens, also when asked while one opens', async () => {
    const { db, pg } = await withSites('acme');
    await conversation(db, 'acme', 'c1');
    await conversation(db, 'acme', 'c2');
    const reads = vi.spyOn(pg, 'query');
    try {
      expect(await db.tickets.openFor('c1')).toBeNull();
      const once = reads.mock.calls.length;
      expect(once).toBeGreaterThan(0);
      expect(await db.tickets.openFor('c1')).toBeNull();
      expect(reads.mock.calls.length).toBe(once);
    } finally {
      reads.mockRestore();
    }
    // Remembered as none, then opened: the next question finds it.
    await Promise.all([db.tickets.open({ id: 't1', siteId: 'acme', conversationId: 'c1', reason: null }), db.tickets.openFor('c1')]);
    expect(await db.tickets.openFor('c1')).toMatchObject({ id: 't1' });
    // Asked just before it opens: that "none" predates the ticket and is not kept.
    const [before] = await Promise.all([db.tickets.openFor('c2'), db.tickets.open({ id: 't2', siteId: 'acme', conversationId: 'c2', reason: null })]);
    expect(before).toBeNull();
    expect(await db.tickets.openFor('c2')).toMatchObject({ id: 't2' });
    await db.tickets.close('t1', new Date());
    expect(await db.tickets.openFor('c1')).toBeNull();
  });
});

describe('taking a ticket', () => {
  it('is refused while another agent holds it, unless forced; a closed one cannot be taken', async () => {
    const { db } = await withSites('acme');
    for (const [id, name] of [['ag1', 'Alex'], ['ag2', 'Rio']]) await db.agents.create({ id, siteId: 'acme', email: `${name}@acme.example`, name, passwordHash: 'x' });
    await conversation(db, 'acme', 'c1');
    await db.tickets.open({ id: 't1', siteId: 'acme', conversationId: 'c1', reason: null });
    expect(await db.tickets.assign('t1', 'ag1')).toMatchObject({ changed: true, ticket: { assignee: { id: 'ag1', name: 'Alex' } } });
    expect(await db.tickets.assign('t1', 'ag1')).toMatchObject({ changed: false });
    expect(await db.tickets.assign('t1', 'ag2')).toMatchObject({ changed: false, ticket: { assignee: { name: 'Alex' } } });
    expect(await db.tickets.assign('t1', 'ag2', { force: true })).toMatchObject({ changed: true, ticket: { assignee: { name: 'Rio' } } });
    expect(await db.tickets.close('t1', new Date())).toMatchObject({ status: 'closed' });
    expect(await db.tickets.close('t1', new Date())).toBeNull();
    expect(await db.tickets.assign('t1', 'ag1', { force: true })).toMatchObject({ changed: false, ticket: { assignee: { name: 'Rio' } } });
  });
});

describe('the queue', () => {
  it('puts high priority first, then the longest waiting, with the first question and last answer; cursor pages lose nothing', async () => {
    const { db } = await withSites('acme', 'globex');
    const opens: [string, 'normal' | 'high'][] = [['a', 'normal'], ['b', 'high'], ['c', 'normal'], ['d', 'normal'], ['e', 'high']];
    for (const [id, priority] of opens) {
      await conversation(db, 'acme', `c-${id}`, `question ${id}`);
      await db.tickets.open({ id, siteId: 'acme', conversationId: `c-${id}`, reason: null, priority });
    }
    await conversation(db, 'globex', 'c-g', 'elsewhere');
    await db.tickets.open({ id: 'g', siteId: 'globex', conversationId: 'c-g', reason: null });
    await db.tickets.close('d', new Date());

    const all = await db.tickets.list({ siteId: 'acme', state: 'live', limit: 50 });
    expect(all.map((t) => t.id)).toEqual(['b', 'e', 'a', 'c']);
    expect(all[0]).toMatchObject({ firstQuestion: 'question b', lastAnswer: 'About question b' });

    const paged: string[] = [];
    let after: { key: string | number; id: string } | null = null;
    for (let i = 0; i < 10; i++) {
      const rows = await db.tickets.list({ siteId: 'acme', state: 'live', limit: 2, after });
      const page = pageOf(rows, 1, (t) => queueCursor(t, 'live'));
      paged.push(...page.items.map((t) => t.id));
      if (!page.next) break;
      after = decodeCursor(page.next);
    }
    expect(paged).toEqual(['b', 'e', 'a', 'c']);
    expect((await db.tickets.list({ state: 'live', limit: 50 })).map((t) => t.id)).toContain('g');
    expect((await db.tickets.list({ siteId: 'acme', state: 'closed', limit: 50 })).map((t) => t.id)).toEqual(['d']);
  });
});
