/**
 * The repos seal visitor data on write and open it on read (PGlite in memory): the raw
 * columns hold no plain text, the port hands back plain text, the per-site seam keeps a site's
 * message text in the clear, rows written before a key keep reading, and rotation re-seals
 * under the current key what older keys sealed, a batch at a time, leaving what will not open.
 */
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { fieldCipher, parseKeyRing } from '../../../edge/core/crypto';
import type { Db } from '../../../edge/core/ports';
import { createDb } from '../../../edge/stores/db/create-db';
import { openPglite } from '../../../edge/stores/db/pglite';
import type { Sealing } from '../../../edge/stores/db/sealing';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const sealing = (text: string | null, extra: Partial<Sealing> = {}): Sealing => ({ cipher: fieldCipher(text ? parseKeyRing(text).ring! : null), ...extra });
const K1 = `k1:${key(1)}`;
const K2 = `k2:${key(2)}`;
const EMAIL = 'marker.ana@example.com';

let opened: { pg: PGlite; db: Db }[] = [];
afterEach(async () => {
  await Promise.all(opened.map((o) => o.db.close()));
  opened = [];
});

/** A database in memory; `over` gives another view of it, with another key ring. */
async function open(s: Sealing) {
  const o = await openPglite(null, { sealing: s });
  opened.push(o);
  return o;
}
async function over(pg: PGlite, s: Sealing): Promise<Db> {
  return createDb(drizzle(pg), async () => {}, { sealing: s });
}

async function fill(db: Db, n = 1) {
  await db.sites.upsert({ id: 'shop', name: 'Shop', allowedOrigins: [] });
  for (let i = 0; i < n; i++) {
    const c = `c${i}`;
    await db.conversations.create({ id: c, siteId: 'shop' });
    await db.messages.add({ id: `m${i}`, conversationId: c, role: 'user', clientId: 'q1', replyTo: null, text: `order JP-1 for ${EMAIL}`, intent: null, citations: [], confidence: null });
    await db.messages.add({ id: `a${i}`, conversationId: c, role: 'assistant', clientId: 'a1', replyTo: 'q1', text: `No order for ${EMAIL}`, intent: null, citations: [], confidence: 0.8 });
    await db.tickets.open({ id: `t${i}`, siteId: 'shop', conversationId: c, reason: `call me at +351 912 ${i}` });
    // The email left for a reply when nobody was online: personal data like the rest.
    if (i === 0) await db.tickets.setContact(`t${i}`, 'reply-to@example.net');
    await db.feedback.add({ conversationId: c, answerId: 'a1', rating: 'down', comment: `wrong, ${EMAIL}` });
  }
  await db.orders.upsert([{ siteId: 'shop', number: 'JP-1', email: ` ${EMAIL.toUpperCase()} `, status: 'shipped', items: [], totalCents: 100, currency: 'EUR', carrier: null, tracking: null, updatedAt: new Date() }]);
}

/** Every value of every table as text: what a copy of the database would show. */
async function dump(pg: PGlite): Promise<string> {
  const tables = (await pg.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public'`)).rows.map((r) => r.t);
  let out = '';
  for (const t of tables) out += (await pg.query<{ x: string }>(`select x::text as x from "${t}" x`)).rows.map((r) => r.x).join('\n');
  return out;
}

describe('sealed columns', () => {
  it('hold no plain text, and read back as plain text through the port', async () => {
    const { pg, db } = await open(sealing(K1));
    await fill(db);
    const raw = await dump(pg);
    expect(raw).not.toContain('marker.ana');
    expect(raw).not.toContain('MARKER.ANA');
    expect(raw).not.toContain('+351 912');
    expect(raw).not.toContain('reply-to@example.net');
    expect((await db.tickets.get('t0'))?.contactEmail).toBe('reply-to@example.net');
    expect(raw).toMatch(/enc:v1:k1:/);
    expect((await db.messages.list('c0')).map((m) => m.text)).toEqual([`order JP-1 for ${EMAIL}`, `No order for ${EMAIL}`]);
    expect((await db.messages.findByClientId('c0', 'q1'))?.text).toBe(`order JP-1 for ${EMAIL}`);
    expect((await db.tickets.ofConversation('c0'))[0].reason).toBe('call me at +351 912 0');
    expect((await db.tickets.openFor('c0'))?.reason).toBe('call me at +351 912 0');
    // A second request for a person gets the open ticket, opened.
    expect((await db.tickets.open({ id: 'tx', siteId: 'shop', conversationId: 'c0', reason: 'again' })).reason).toBe('call me at +351 912 0');
    await db.feedback.add({ conversationId: 'c0', answerId: 'a1', rating: 'up', comment: 'changed my mind' });
    expect(await db.feedback.ofConversation('c0')).toEqual([expect.objectContaining({ rating: 'up', comment: 'changed my mind' })]);
    expect(await db.orders.find('shop', 'jp-1', EMAIL)).toMatchObject({ number: 'JP-1', email: EMAIL, status: 'shipped' });
    expect(await db.orders.find('shop', 'JP-1', 'someone@example.com')).toBeNull();
    expect(await db.encryption!.status()).toEqual([
      { column: 'messages.text', sealed: { k1: 2 }, plain: 0 },
      { column: 'tickets.reason', sealed: { k1: 1 }, plain: 0 },
      { column: 'tickets.contact_email', sealed: { k1: 1 }, plain: 0 },
      { column: 'feedback.comment', sealed: { k1: 1 }, plain: 0 },
      { column: 'orders.email', sealed: { k1: 1 }, plain: 0 },
    ]);
  });

  it('refuse a sealed value copied into another row', async () => {
    const { pg, db } = await open(sealing(K1));
    await fill(db, 2);
    await pg.query(`update tickets set reason = (select reason from tickets where id = 't0') where id = 't1'`);
    await expect(db.tickets.ofConversation('c1')).rejects.toThrow(/does not open \(tickets\.reason\)/);
  });

  it("keep a site's message text in the clear when its setting says so; the rest stays sealed", async () => {
    const { pg, db } = await open(sealing(K1, { sealMessages: async (site) => site !== 'shop' }));
    await fill(db);
    const raw = await dump(pg);
    expect(raw).toContain(`order JP-1 for ${EMAIL}`);
    expect(raw).not.toContain('+351 912');
    expect((await db.encryption!.status())[0]).toEqual({ column: 'messages.text', sealed: {}, plain: 2 });
  });

  it("follow the site's encryptMessages setting (npm run site -- set shop --set encryptMessages=false)", async () => {
    const { pg, db } = await open(sealing(K1));
    await db.sites.upsert({ id: 'shop', name: 'Shop', allowedOrigins: [], settings: { encryptMessages: false } });
    await db.sites.upsert({ id: 'sealed', name: 'Sealed', allowedOrigins: [] });
    for (const site of ['shop', 'sealed']) {
      await db.conversations.create({ id: `c-${site}`, siteId: site });
      await db.messages.add({ id: `m-${site}`, conversationId: `c-${site}`, role: 'user', clientId: 'q1', replyTo: null, text: `${site} says ${EMAIL}`, intent: null, citations: [], confidence: null });
    }
    const raw = await dump(pg);
    expect(raw).toContain(`shop says ${EMAIL}`);
    expect(raw).not.toContain(`sealed says`);
    expect((await db.messages.list('c-sealed'))[0].text).toBe(`sealed says ${EMAIL}`);
  });

  it('read rows written before a key was set, and say which key is missing for rows sealed under an unknown one', async () => {
    const { pg, db: before } = await open(sealing(null));
    await fill(before);
    expect(await dump(pg)).toContain(EMAIL);
    const withKey = await over(pg, sealing(K1));
    expect((await withKey.messages.list('c0'))[0].text).toBe(`order JP-1 for ${EMAIL}`);
    expect(await withKey.orders.find('shop', 'JP-1', EMAIL)).not.toBeNull();
    const sealedK2 = await over(pg, sealing(K2));
    await sealedK2.feedback.add({ conversationId: 'c0', answerId: 'a1', rating: 'down', comment: 'k2 only' });
    await expect(withKey.feedback.ofConversation('c0')).rejects.toThrow('a value is sealed under key "k2", which is unknown');
  });
});

describe('rotation', () => {
  it('re-seals under the current key what the older one sealed, in batches, and everything still reads', async () => {
    const { pg, db: old } = await open(sealing(K1));
    await fill(old, 5);
    const db = await over(pg, sealing(`${K2},${K1}`));
    const progress: number[] = [];
    const summary = await db.encryption!.rotate({ batch: 2, onProgress: (p) => p.column === 'messages.text' && progress.push(p.resealed) });
    expect(summary).toEqual({ kid: 'k2', resealed: 10 + 5 + 1 + 5 + 1, failed: 0, errors: [] });
    expect(progress).toEqual([2, 4, 6, 8, 10]);
    for (const c of await db.encryption!.status()) expect(Object.keys(c.sealed)).toEqual(['k2']);
    // Only the new key is needed now.
    const onlyK2 = await over(pg, sealing(K2));
    expect((await onlyK2.messages.list('c3')).map((m) => m.text)).toEqual([`order JP-1 for ${EMAIL}`, `No order for ${EMAIL}`]);
    expect((await onlyK2.tickets.ofConversation('c4'))[0].reason).toBe('call me at +351 912 4');
    expect(await onlyK2.orders.find('shop', 'JP-1', EMAIL)).not.toBeNull();
    // A second run has nothing to do.
    expect((await db.encryption!.rotate()).resealed).toBe(0);
  });

  it('seals plain rows only when asked, leaves values that will not open, and stops when aborted', async () => {
    const { pg, db: plain } = await open(sealing(null));
    await fill(plain, 3);
    const db = await over(pg, sealing(K1));
    expect((await db.encryption!.rotate()).resealed).toBe(0);
    await pg.query(`update tickets set reason = 'enc:v1:zz:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' where id = 't1'`);
    const summary = await db.encryption!.rotate({ plain: true });
    expect(summary).toMatchObject({ kid: 'k1', resealed: 6 + 2 + 1 + 3 + 1, failed: 1 });
    expect(summary.errors).toEqual([expect.stringMatching(/^tickets\.reason: a value is sealed under key "zz", which is unknown/)]);
    expect(await dump(pg)).not.toContain(EMAIL);
    expect((await db.messages.list('c2'))[1].text).toBe(`No order for ${EMAIL}`);
    const aborted = new AbortController();
    aborted.abort();
    expect((await (await over(pg, sealing(`${K2},${K1}`))).encryption!.rotate({ signal: aborted.signal })).resealed).toBe(0);
  });
});
