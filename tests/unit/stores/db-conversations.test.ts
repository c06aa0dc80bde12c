import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import type { Db, MessageRow } from '../../../edge/core/ports';
import { openPglite } from '../../../edge/stores/db/pglite';

let pg: PGlite;
let db: Db;

beforeAll(async () => {
  ({ pg, db } = await openPglite(null));
  await db.sites.upsert({ id: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'] });
  await db.sites.upsert({ id: 'other', name: 'Other', allowedOrigins: [] });
});
afterAll(() => db.close());

describe('sites', () => {
  it('reads back what was upserted, and upsert updates in place', async () => {
    expect(await db.sites.get('shop')).toEqual({ id: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'], publicKey: null, secretKey: null, settings: {} });
    await db.sites.upsert({ id: 'tmp', name: 'Before', allowedOrigins: ['a'] });
    await db.sites.upsert({ id: 'tmp', name: 'After', allowedOrigins: ['b', 'c'] });
    expect(await db.sites.get('tmp')).toEqual({ id: 'tmp', name: 'After', allowedOrigins: ['b', 'c'], publicKey: null, secretKey: null, settings: {} });
    expect(await db.sites.get('missing')).toBeNull();
    await db.ping();
  });
});

describe('conversations', () => {
  it('creates with defaults, is idempotent per site, refuses another site', async () => {
    const c = await db.conversations.create({ id: 'c1', siteId: 'shop', locale: 'de' });
    expect(c).toMatchObject({ id: 'c1', siteId: 'shop', lastSeq: 0, locale: 'de' });
    expect(c.createdAt).toBeInstanceOf(Date);
    expect(await db.conversations.create({ id: 'c1', siteId: 'shop' })).toEqual(c);
    await expect(db.conversations.create({ id: 'c1', siteId: 'other' })).rejects.toThrow(/another site/);
    await expect(db.conversations.create({ id: 'cx', siteId: 'no-such-site' })).rejects.toThrow();
    expect(await db.conversations.get('nope')).toBeNull();
  });

  it('setLastSeq moves forward only', async () => {
    await db.conversations.create({ id: 'c2', siteId: 'shop' });
    await db.conversations.setLastSeq('c2', 7);
    await db.conversations.setLastSeq('c2', 5);
    expect((await db.conversations.get('c2'))!.lastSeq).toBe(7);
  });
});

describe('messages', () => {
  it('lists in time order with insertion order breaking ties, and keeps a retried message once', async () => {
    await db.conversations.create({ id: 'm1', siteId: 'shop' });
    const at = new Date('2026-01-01T10:00:00Z');
    await db.messages.add({
      id: 'u1', conversationId: 'm1', role: 'user', clientId: 'cli-1', replyTo: null, text: 'where is my order',
      intent: 'order_status', citations: [], confidence: null, createdAt: at,
    });
    await db.messages.add({
      id: 'a1', conversationId: 'm1', role: 'assistant', clientId: 'ans-1', replyTo: 'cli-1', text: 'It shipped [1]',
      intent: 'order_status', citations: [{ n: 1, title: 'Shipping', url: 'https://x/s', snippet: 'ships in 2 days' }],
      confidence: 0.75, createdAt: at,
    });
    // The same client message again (a resend after reconnect): ignored.
    await db.messages.add({
      id: 'u1-dup', conversationId: 'm1', role: 'user', clientId: 'cli-1', replyTo: null, text: 'dup',
      intent: null, citations: [], confidence: null,
    });
    await db.messages.add({
      id: 'u0', conversationId: 'm1', role: 'user', clientId: 'cli-0', replyTo: null, text: 'hello',
      intent: 'greeting', citations: [], confidence: null, createdAt: new Date('2026-01-01T09:59:00Z'),
    });
    const list = await db.messages.list('m1');
    expect(list.map((m) => m.id)).toEqual(['u0', 'u1', 'a1']);
    expect(list[2]).toMatchObject({
      role: 'assistant', replyTo: 'cli-1', confidence: 0.75,
      citations: [{ n: 1, title: 'Shipping', url: 'https://x/s', snippet: 'ships in 2 days' }],
    });
    expect(list[2].createdAt.toISOString()).toBe(at.toISOString());
    expect((await db.messages.findByClientId('m1', 'cli-1'))!.text).toBe('where is my order');
    expect((await db.messages.findByClientId('m1', 'ans-1'))!.id).toBe('a1');
    expect(await db.messages.findByClientId('m1', 'nope')).toBeNull();
    expect(await db.messages.list('nope')).toEqual([]);
  });
});

describe('a message looked up by its client id (is it a resend?)', () => {
  it('reads the conversation\'s ids once; a new id then costs no query, an added or resent one is found', async () => {
    await db.conversations.create({ id: 'r1', siteId: 'shop' });
    const add = (id: string, clientId: string, text: string) =>
      db.messages.add({ id, conversationId: 'r1', role: 'user', clientId, replyTo: null, text, intent: null, citations: [], confidence: null });
    await add('r1-m1', 'q1', 'first');
    const reads = vi.spyOn(pg, 'query');
    try {
      expect(await db.messages.findByClientId('r1', 'q2')).toBeNull();
      const once = reads.mock.calls.length;
      expect(once).toBe(1);
      expect(await db.messages.findByClientId('r1', 'q3')).toBeNull();
      expect(reads.mock.calls.length).toBe(once);
      expect((await db.messages.findByClientId('r1', 'q1'))!.text).toBe('first');
    } finally {
      reads.mockRestore();
    }
    // Added after the ids were read: found, and kept once when added again.
    await add('r1-m2', 'q2', 'second');
    expect((await db.messages.findByClientId('r1', 'q2'))!.text).toBe('second');
    await add('r1-m2-again', 'q2', 'second, resent');
    expect((await db.messages.list('r1')).map((m) => m.text)).toEqual(['first', 'second']);
    // Erased: ids still remembered are looked up, and not found.
    await db.conversations.delete('r1');
    expect(await db.messages.findByClientId('r1', 'q1')).toBeNull();
  });
});

describe("a conversation's latest messages (what a turn reads)", () => {
  const add = (conversationId: string, id: string, extra: Partial<MessageRow> = {}) =>
    db.messages.add({
      id, conversationId, role: 'user', clientId: `c-${id}`, replyTo: null, text: `text of ${id}`,
      intent: null, citations: [], confidence: null, ...extra,
    });
  // What the database says, read past the memory.
  const stored = async (conversationId: string, limit: number) => (await db.messages.list(conversationId)).slice(-limit);

  it('are read once, then kept equal to the database through new, resent, older and many messages', async () => {
    await db.conversations.create({ id: 'k1', siteId: 'shop' });
    await add('k1', 'k1-0');
    expect(await db.messages.recent('k1', 16)).toEqual(await stored('k1', 16));
    const reads = vi.spyOn(pg, 'query');
    try {
      for (let i = 1; i <= 40; i++) {
        await add('k1', `k1-${i}`, i % 2 ? { role: 'assistant', replyTo: `c-k1-${i - 1}`, citations: [{ n: 1, title: 'T', url: 'https://x/t', snippet: 's' }], confidence: 0.5, intent: 'shipping', usage: { model: 'm', promptTokens: 3, completionTokens: 4, embeddingTokens: 0, costUsd: 0.01 } } : {});
        if (i === 7) await add('k1', 'k1-7-resent', { clientId: 'c-k1-7', role: 'assistant', text: 'resent' });
        if (i === 20) await add('k1', 'k1-restored', { createdAt: new Date(Date.now() - 1000) });
      }
      // Every message was a write, and no read: the turn's history came from memory.
      expect(reads.mock.calls.every(([text]) => /^insert/i.test(text))).toBe(true);
      expect(await db.messages.recent('k1', 16)).toHaveLength(16);
      expect(reads.mock.calls.every(([text]) => /^insert/i.test(text))).toBe(true);
    } finally {
      reads.mockRestore();
    }
    for (const limit of [1, 5, 16, 32]) expect(await db.messages.recent('k1', limit)).toEqual(await stored('k1', limit));
    expect(await db.messages.recent('k1', 0)).toEqual([]);
    // More than memory keeps: read from the database.
    expect(await db.messages.recent('k1', 40)).toEqual(await stored('k1', 40));
    await db.conversations.delete('k1');
  });

  // The database answers in order, but what runs after each answer may not: hold one back.
  const holding = (matches: RegExp) => {
    const real = pg.query.bind(pg);
    let release!: () => void;
    let ran!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = new Promise<void>((r) => (ran = r));
    const spy = vi.spyOn(pg, 'query').mockImplementation((async (...args: Parameters<PGlite['query']>) => {
      const result = await real(...args);
      if (matches.test(args[0])) {
        ran();
        await gate;
      }
      return result;
    }) as PGlite['query']);
    return {
      /** The held query ran in the database. */
      held,
      release() {
        spy.mockRestore();
        release();
      },
    };
  };

  it('a read that a message overtakes is not kept (it lacks the message)', async () => {
    await db.conversations.create({ id: 'k2', siteId: 'shop' });
    await add('k2', 'k2-0');
    const hold = holding(/^select .* from "messages"/i);
    const read = db.messages.recent('k2', 16);
    await hold.held;
    await add('k2', 'k2-1');
    hold.release();
    expect((await read).map((m) => m.id)).toEqual(['k2-0']);
    expect((await db.messages.recent('k2', 16)).map((m) => m.id)).toEqual(['k2-0', 'k2-1']);
    await db.conversations.delete('k2');
  });

  it('a message that lands after a read that saw it is kept once', async () => {
    await db.conversations.create({ id: 'k5', siteId: 'shop' });
    await add('k5', 'k5-0');
    const hold = holding(/^insert into "messages"/i);
    const added = add('k5', 'k5-1');
    await hold.held;
    expect((await db.messages.recent('k5', 16)).map((m) => m.id)).toEqual(['k5-0', 'k5-1']);
    hold.release();
    await added;
    expect((await db.messages.recent('k5', 16)).map((m) => m.id)).toEqual(['k5-0', 'k5-1']);
    await db.conversations.delete('k5');
  });

  it('are gone with their conversation, their site, and back with a restored backup', async () => {
    await db.sites.upsert({ id: 'gone', name: 'Gone', allowedOrigins: [] });
    for (const [c, site] of [['k3', 'shop'], ['k4', 'gone']] as const) {
      await db.conversations.create({ id: c, siteId: site });
      await add(c, `${c}-0`);
      expect(await db.messages.recent(c, 16)).toHaveLength(1);
    }
    await db.conversations.delete('k3');
    expect(await db.messages.recent('k3', 16)).toEqual([]);
    const dump = await db.backup.dump('gone');
    await db.sites.delete('gone');
    expect(await db.messages.recent('k4', 16)).toEqual([]);
    await db.backup.restore(dump);
    expect((await db.messages.recent('k4', 16)).map((m) => m.text)).toEqual(['text of k4-0']);
    await db.sites.delete('gone');
  });
});

describe('tickets, feedback, audit', () => {
  it('opens one live ticket per conversation', async () => {
    await db.conversations.create({ id: 't1', siteId: 'shop' });
    expect(await db.tickets.openFor('t1')).toBeNull();
    const t = await db.tickets.open({ id: 'tk1', siteId: 'shop', conversationId: 't1', reason: 'wants a human' });
    expect(t).toMatchObject({ id: 'tk1', status: 'open', reason: 'wants a human', conversationId: 't1' });
    // A second request while one is open returns the open one.
    const again = await db.tickets.open({ id: 'tk2', siteId: 'shop', conversationId: 't1', reason: null });
    expect(again.id).toBe('tk1');
    expect((await db.tickets.openFor('t1'))!.id).toBe('tk1');
    // Once solved, a new ticket can be opened.
    await pg.query(`update tickets set status = 'solved' where id = 'tk1'`);
    expect(await db.tickets.openFor('t1')).toBeNull();
    expect((await db.tickets.open({ id: 'tk3', siteId: 'shop', conversationId: 't1', reason: null })).id).toBe('tk3');
  });

  it('keeps one rating per answer, the latest', async () => {
    await db.conversations.create({ id: 'f1', siteId: 'shop' });
    await db.feedback.add({ conversationId: 'f1', answerId: 'ans-9', rating: 'up', comment: null });
    await db.feedback.add({ conversationId: 'f1', answerId: 'ans-9', rating: 'down', comment: 'wrong size chart' });
    await db.feedback.add({ conversationId: 'f1', answerId: 'ans-10', rating: 'up', comment: null });
    const { rows } = await pg.query<{ answer_id: string; rating: string; comment: string | null }>(
      `select answer_id, rating, comment from feedback where conversation_id = 'f1' order by answer_id`,
    );
    expect(rows).toEqual([
      { answer_id: 'ans-10', rating: 'up', comment: null },
      { answer_id: 'ans-9', rating: 'down', comment: 'wrong size chart' },
    ]);
  });

  it('appends audit rows with detail', async () => {
    await db.audit.add({ siteId: 'shop', actor: 'cli', action: 'ingest', detail: { files: 3 } });
    await db.audit.add({ siteId: null, actor: 'system', action: 'boot' });
    const { rows } = await pg.query<{ site_id: string | null; action: string; detail: unknown }>(
      'select site_id, action, detail from audit_log order by id',
    );
    expect(rows).toEqual([
      { site_id: 'shop', action: 'ingest', detail: { files: 3 } },
      { site_id: null, action: 'boot', detail: {} },
    ]);
  });

  it('deleting a conversation cascades to its messages, tickets and feedback', async () => {
    await pg.query(`delete from conversations where id in ('m1', 't1', 'f1')`);
    for (const table of ['messages', 'tickets', 'feedback']) {
      const { rows } = await pg.query<{ n: number }>(`select count(*)::int as n from ${table}`);
      expect(rows[0].n, table).toBe(0);
    }
  });
});
