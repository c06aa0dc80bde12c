/**
 * The `Db` port's contract, for any driver and server: a representative set of the assertions
 * of tests/unit/stores/db-*.test.ts (which run on embedded PGlite), registered as a suite so
 * the Neon driver can be held to them against real Postgres wire servers. `raw` reaches the
 * same database behind the port, for what the port does not expose.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db, MessageRow, OrderRow } from '../../edge/core/ports';
import type { SqlClient } from '../../edge/stores/vectors/pgvector';
import { documentsContract } from './stores-db-documents-contract';

export interface ContractTarget {
  db: Db;
  raw: SqlClient;
}


export function dbContract(label: string, target: () => ContractTarget): void {
  let db: Db;
  let raw: SqlClient;
  const count = async (sql: string) => Number((await raw.query<{ n: number }>(sql)).rows[0].n);

  describe(`Db contract: ${label}`, () => {
    beforeAll(async () => {
      ({ db, raw } = target());
      await db.ping();
      await db.sites.upsert({ id: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'] });
      await db.sites.upsert({ id: 'other', name: 'Other', allowedOrigins: [] });
    });

    it('sites: reads back what was upserted, updates in place', async () => {
      expect(await db.sites.get('shop')).toEqual({ id: 'shop', name: 'Shop', allowedOrigins: ['https://shop.example'], publicKey: null, secretKey: null, settings: {} });
      await db.sites.upsert({ id: 'tmp', name: 'After', allowedOrigins: ['b', 'c'] });
      expect(await db.sites.get('tmp')).toEqual({ id: 'tmp', name: 'After', allowedOrigins: ['b', 'c'], publicKey: null, secretKey: null, settings: {} });
      expect(await db.sites.get('missing')).toBeNull();
    });

    it('sites: keys and settings are kept, and an upsert without them (ingest, the demo seed) leaves them', async () => {
      await db.sites.upsert({ id: 'keyed', name: 'Keyed', allowedOrigins: [], publicKey: 'pk_a', secretKey: 'sk_a', settings: { requireKey: true, retentionDays: 30 } });
      expect(await db.sites.update('keyed', { allowedOrigins: ['https://k.example'], settings: { requireKey: false } })).toBe(true);
      await db.sites.upsert({ id: 'keyed', name: 'Renamed', allowedOrigins: ['https://k.example'] });
      expect(await db.sites.get('keyed')).toEqual({
        id: 'keyed', name: 'Renamed', allowedOrigins: ['https://k.example'], publicKey: 'pk_a', secretKey: 'sk_a', settings: { requireKey: false },
      });
      expect(await db.sites.update('missing', { name: 'x' })).toBe(false);
      // Public keys are unique: one key never names two sites.
      await expect(db.sites.update('tmp', { publicKey: 'pk_a' })).rejects.toThrow();
    });

    it('conversations: idempotent per site, refuses another site, seq moves forward only', async () => {
      const c = await db.conversations.create({ id: 'c1', siteId: 'shop', locale: 'de' });
      expect(c).toMatchObject({ id: 'c1', siteId: 'shop', lastSeq: 0, locale: 'de' });
      expect(c.createdAt).toBeInstanceOf(Date);
      expect(await db.conversations.create({ id: 'c1', siteId: 'shop' })).toEqual(c);
      await expect(db.conversations.create({ id: 'c1', siteId: 'other' })).rejects.toThrow(/another site/);
      await expect(db.conversations.create({ id: 'cx', siteId: 'no-such-site' })).rejects.toThrow();
      await db.conversations.setLastSeq('c1', 7);
      await db.conversations.setLastSeq('c1', 5);
      expect((await db.conversations.get('c1'))!.lastSeq).toBe(7);
      expect(await db.conversations.get('nope')).toBeNull();
    });

    it("messages: an answer raises its conversation's seq checkpoint in the same statement, never lowers it", async () => {
      await db.conversations.create({ id: 'cs1', siteId: 'shop' });
      const answer = (id: string, clientId: string): Omit<MessageRow, 'createdAt'> =>
        ({ id, conversationId: 'cs1', role: 'assistant', clientId, replyTo: null, text: `answer ${id}`, intent: null, citations: [], confidence: 0.5 });
      await db.messages.add(answer('cs1-a', 'a1'), { lastSeq: 9 });
      expect((await db.conversations.get('cs1'))!.lastSeq).toBe(9);
      await db.messages.add(answer('cs1-b', 'a2'), { lastSeq: 4 });
      expect((await db.conversations.get('cs1'))!.lastSeq).toBe(9);
      // A resend is kept once, and its checkpoint still counts.
      await db.messages.add(answer('cs1-a-again', 'a1'), { lastSeq: 12 });
      expect((await db.conversations.get('cs1'))!.lastSeq).toBe(12);
      expect((await db.messages.list('cs1')).map((m) => m.id)).toEqual(['cs1-a', 'cs1-b']);
      // Without one, the checkpoint is left alone.
      await db.messages.add(answer('cs1-c', 'a3'));
      expect((await db.conversations.get('cs1'))!.lastSeq).toBe(12);
      await db.conversations.delete('cs1');
    });

    it('messages: time order, a retried client message kept once, citations and dates round-trip', async () => {
      await db.conversations.create({ id: 'm1', siteId: 'shop' });
      const at = new Date('2026-01-01T10:00:00Z');
      const base: Pick<MessageRow, 'conversationId' | 'replyTo' | 'citations' | 'confidence'> = { conversationId: 'm1', replyTo: null, citations: [], confidence: null };
      await db.messages.add({ ...base, id: 'u1', role: 'user', clientId: 'cli-1', text: 'where is my order', intent: 'order_status', createdAt: at });
      await db.messages.add({
        ...base, id: 'a1', role: 'assistant', clientId: 'ans-1', replyTo: 'cli-1', text: 'It shipped [1]', intent: 'order_status',
        citations: [{ n: 1, title: 'Shipping', url: 'https://x/s', snippet: 'ships in 2 days' }], confidence: 0.75, createdAt: at,
      });
      await db.messages.add({ ...base, id: 'u1-dup', role: 'user', clientId: 'cli-1', text: 'dup', intent: null });
      await db.messages.add({ ...base, id: 'u0', role: 'user', clientId: 'cli-0', text: 'hello', intent: 'greeting', createdAt: new Date('2026-01-01T09:59:00Z') });
      const list = await db.messages.list('m1');
      expect(list.map((m) => m.id)).toEqual(['u0', 'u1', 'a1']);
      expect(list[2]).toMatchObject({ role: 'assistant', replyTo: 'cli-1', confidence: 0.75, citations: [{ n: 1, title: 'Shipping' }] });
      expect(list[2].createdAt.toISOString()).toBe(at.toISOString());
      // The last ones, in the same order (same timestamps keep insertion order), whatever came before.
      expect((await db.messages.recent('m1', 2)).map((m) => m.id)).toEqual(['u1', 'a1']);
      expect((await db.messages.recent('m1', 10)).map((m) => m.id)).toEqual(['u0', 'u1', 'a1']);
      expect((await db.messages.recent('m1', 1))[0]).toMatchObject({ citations: [{ n: 1, title: 'Shipping' }] });
      expect((await db.messages.findByClientId('m1', 'cli-1'))!.text).toBe('where is my order');
      expect(await db.messages.findByClientId('m1', 'nope')).toBeNull();
    });

    it('tickets, feedback and audit; deleting a conversation cascades', async () => {
      await db.conversations.create({ id: 't1', siteId: 'shop' });
      expect(await db.tickets.openFor('t1')).toBeNull();
      expect(await db.tickets.open({ id: 'tk1', siteId: 'shop', conversationId: 't1', reason: 'wants a human' })).toMatchObject({ id: 'tk1', status: 'open' });
      expect((await db.tickets.open({ id: 'tk2', siteId: 'shop', conversationId: 't1', reason: null })).id).toBe('tk1');
      await raw.query(`update tickets set status = 'solved' where id = 'tk1'`);
      expect((await db.tickets.open({ id: 'tk3', siteId: 'shop', conversationId: 't1', reason: null })).id).toBe('tk3');
      await db.feedback.add({ conversationId: 't1', answerId: 'ans-9', rating: 'up', comment: null });
      await db.feedback.add({ conversationId: 't1', answerId: 'ans-9', rating: 'down', comment: 'wrong size chart' });
      const fb = await raw.query<{ rating: string; comment: string }>(`select rating, comment from feedback where conversation_id = 't1'`);
      expect(fb.rows).toEqual([{ rating: 'down', comment: 'wrong size chart' }]);
      await db.audit.add({ siteId: 'shop', actor: 'cli', action: 'ingest', detail: { files: 3 } });
      const audit = await raw.query<{ detail: unknown }>(`select detail from audit_log where action = 'ingest'`);
      expect(audit.rows).toEqual([{ detail: { files: 3 } }]);
      await raw.query(`delete from conversations where id = 't1'`);
      expect(await count(`select count(*)::int as n from tickets where conversation_id = 't1'`)).toBe(0);
      expect(await count(`select count(*)::int as n from feedback where conversation_id = 't1'`)).toBe(0);
    });

    documentsContract(() => ({ db, raw }));

    it('products and orders: upsert, search within the site, order found only with its email', async () => {
      await db.products.upsert([
        { siteId: 'shop', sku: 'TRAIL-42', name: 'Trail Runner', description: 'Waterproof running shoe for muddy trails', priceCents: 12900, currency: 'EUR', stock: 4, url: null },
        { siteId: 'shop', sku: 'SOCK-3', name: 'Wool Socks 100%', description: 'Merino socks, pack of three', priceCents: 1900, currency: 'EUR', stock: 50, url: null },
      ]);
      expect((await db.products.search('shop', 'shoes for running', 5)).map((p) => p.sku)).toEqual(['TRAIL-42']);
      expect((await db.products.search('shop', '%', 5)).map((p) => p.sku)).toEqual(['SOCK-3']);
      expect((await db.products.get('shop', 'TRAIL-42'))!.priceCents).toBe(12900);
      await db.products.delete('shop', ['SOCK-3', 'NOT-THERE']);
      expect(await db.products.get('shop', 'SOCK-3')).toBeNull();
      expect(await db.products.get('shop', 'TRAIL-42')).not.toBeNull();
      const order: OrderRow = {
        siteId: 'shop', number: 'A-1001', email: 'Ann@Example.com ', status: 'shipped', items: [{ sku: 'TRAIL-42', name: 'Trail Runner', qty: 1 }],
        totalCents: 12900, currency: 'EUR', carrier: 'DHL', tracking: 'JD0001', updatedAt: new Date('2026-02-01T12:00:00Z'),
      };
      await db.orders.upsert([order]);
      expect(await db.orders.find('shop', ' a-1001 ', '  ANN@example.COM')).toEqual({ ...order, email: 'ann@example.com' });
      expect(await db.orders.find('shop', 'A-1001', 'bob@example.com')).toBeNull();
    });

    it('ingested files: saved by (site, source), replaced, deleted, gone with the site', async () => {
      await db.sites.upsert({ id: 'memo', name: 'Memo', allowedOrigins: [] });
      expect(await db.ingestedFiles.list('memo')).toEqual([]);
      await db.ingestedFiles.save('memo', [
        { source: 'a.md', hash: 'h1', stat: null, documents: 'd1' },
        { source: 'b.csv', hash: 'h2', stat: 'tag:1:2:3:4:5', documents: 'd2' },
      ]);
      await db.ingestedFiles.save('shop', [{ source: 'a.md', hash: 'other site', stat: null, documents: 'x' }]);
      await db.ingestedFiles.save('memo', [{ source: 'a.md', hash: 'h1b', stat: 's', documents: 'd1b' }]);
      const byName = (rows: { source: string }[]) => [...rows].sort((a, b) => a.source.localeCompare(b.source));
      expect(byName(await db.ingestedFiles.list('memo'))).toEqual([
        { source: 'a.md', hash: 'h1b', stat: 's', documents: 'd1b' },
        { source: 'b.csv', hash: 'h2', stat: 'tag:1:2:3:4:5', documents: 'd2' },
      ]);
      await db.ingestedFiles.delete('memo', ['b.csv', 'not-there']);
      await db.ingestedFiles.delete('memo', []);
      expect(await db.ingestedFiles.list('memo')).toEqual([{ source: 'a.md', hash: 'h1b', stat: 's', documents: 'd1b' }]);
      expect(await db.sites.delete('memo')).toBe(true);
      expect(await db.ingestedFiles.list('memo')).toEqual([]);
      expect(await db.ingestedFiles.list('shop')).toEqual([{ source: 'a.md', hash: 'other site', stat: null, documents: 'x' }]);
    });

    it("intents: one model per site, replaced by the next training, its version read alone, gone with the site", async () => {
      await db.sites.upsert({ id: 'trained', name: 'Trained', allowedOrigins: [] });
      expect(await db.intents.get('trained')).toBeNull();
      expect(await db.intents.version('trained')).toBeNull();
      const examples = [{ text: 'cancel my plan', label: 'cancel' }];
      await db.intents.save({ siteId: 'trained', version: 'v1', model: { labels: ['cancel'] }, report: { accuracy: 1 }, examples });
      await db.intents.save({ siteId: 'trained', version: 'v2', model: { labels: ['cancel', 'warranty'] }, report: { accuracy: 0.9 }, examples });
      const row = await db.intents.get('trained');
      expect(row).toMatchObject({ siteId: 'trained', version: 'v2', model: { labels: ['cancel', 'warranty'] }, report: { accuracy: 0.9 }, examples });
      expect(row!.trainedAt).toBeInstanceOf(Date);
      expect(await db.intents.version('trained')).toBe('v2');
      expect(await db.intents.version('shop')).toBeNull();
      expect(await db.sites.delete('trained')).toBe(true);
      expect(await db.intents.get('trained')).toBeNull();
      expect(await db.intents.delete('trained')).toBe(false);
    });

    it('serves concurrent calls over the pool without mixing results', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => `par-${i}`);
      await Promise.all(ids.map((id) => db.conversations.create({ id, siteId: 'shop', locale: id })));
      const got = await Promise.all(ids.map((id) => db.conversations.get(id)));
      expect(got.map((c) => c?.locale)).toEqual(ids);
    });
  });
}
