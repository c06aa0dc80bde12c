import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import type { ChunkRow, Db, DocKind, DocumentRow, OrderRow } from '../../../edge/core/ports';
import { openPglite } from '../../../edge/stores/db/pglite';

let pg: PGlite;
let db: Db;

const doc = (id: string, source: string, title: string, siteId = 'shop', kind: DocKind = 'faq'): DocumentRow => ({
  id, siteId, source, kind, title, url: `https://shop.example/${source}`, hash: `h-${id}`,
});
const part = (ord: number, title: string, content: string) => ({
  kind: 'faq' as const, ord, title, url: null, content, tokens: content.split(' ').length,
});

const FAQ: [string, string][] = [
  ['Returns', 'You can return unworn items within 30 days of delivery for a full refund to the original payment method.'],
  ['Shipping times', 'Standard shipping takes 3-5 business days; express shipping arrives the next business day.'],
  ['International delivery', 'We deliver to over 40 countries. Customs duties are paid by the recipient.'],
  ['Gift cards', 'Gift cards never expire and can be used online or in our stores.'],
  ['Size guide', 'Our shoes run small: order half a size up. See the size chart for measurements in centimetres.'],
  ['Damaged items', 'If your parcel arrived damaged, send us a photo within 7 days and we will replace it free of charge.'],
];

let faqChunks: ChunkRow[];

beforeAll(async () => {
  ({ pg, db } = await openPglite(null));
  faqChunks = await db.documents.replace(doc('d-faq', 'faq.md', 'FAQ'), FAQ.map(([t, c], i) => part(i, t, c)));
  // The same text on another site must never leak into this one's results.
  await db.documents.replace(doc('d-other', 'faq.md', 'FAQ', 'other'), [part(0, 'Returns', 'Returns are refunded in 30 days.')]);
});
afterAll(() => db.close());

describe('documents and chunks', () => {
  it('replace stores the document and returns chunks with fresh ids', async () => {
    expect(faqChunks).toHaveLength(FAQ.length);
    expect(new Set(faqChunks.map((c) => c.id)).size).toBe(FAQ.length);
    for (const c of faqChunks) expect(c).toMatchObject({ documentId: 'd-faq', siteId: 'shop', kind: 'faq' });
    expect(faqChunks[0].id).toMatch(/^ch_[0-9a-f]{32}$/);
    expect(await db.documents.get('shop', 'faq.md')).toEqual(doc('d-faq', 'faq.md', 'FAQ'));
    expect(await db.documents.get('shop', 'nope.md')).toBeNull();
    expect((await db.documents.list('shop')).map((d) => d.id)).toEqual(['d-faq']);
    expect(await db.documents.count()).toBe(2);
    expect(await db.documents.count('shop')).toBe(1);
    expect(await db.chunks.count('shop')).toBe(FAQ.length);
    expect(await db.chunks.count()).toBe(FAQ.length + 1);
  });

  it('get returns chunks in the order asked and skips unknown ids', async () => {
    const ids = [faqChunks[3].id, 'ch_missing', faqChunks[0].id];
    const got = await db.chunks.get(ids);
    expect(got.map((c) => c.id)).toEqual([faqChunks[3].id, faqChunks[0].id]);
    expect(got[0]).toEqual(faqChunks[3]);
    expect(await db.chunks.get([])).toEqual([]);
  });

  it('get reads a chunk from the database once; a deleted document\'s chunks are not returned from memory', async () => {
    const [c] = await db.documents.replace(doc('d-k', 'k.md', 'K'), [part(0, 'K', 'kilo original')]);
    const reads = vi.spyOn(pg, 'query');
    try {
      expect((await db.chunks.get([c.id]))[0]).toEqual(c);
      const first = reads.mock.calls.length;
      expect(first).toBeGreaterThan(0);
      expect((await db.chunks.get([c.id, faqChunks[0].id]))).toEqual([c, faqChunks[0]]);
      // Only the chunk not seen before was read.
      const asked = reads.mock.calls.slice(first).map(([, params]) => JSON.stringify(params));
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain(faqChunks[0].id);
      expect(asked[0]).not.toContain(c.id);
      const again = reads.mock.calls.length;
      await db.chunks.get([c.id, faqChunks[0].id]);
      expect(reads.mock.calls.length).toBe(again);
    } finally {
      reads.mockRestore();
    }
    await db.documents.delete(['d-k']);
    expect(await db.chunks.get([c.id])).toEqual([]);
    // So with a whole site deleted.
    await db.sites.upsert({ id: 'gone', name: 'Gone', allowedOrigins: [] });
    const [g] = await db.documents.replace(doc('d-g', 'g.md', 'G', 'gone'), [part(0, 'G', 'golf original')]);
    expect(await db.chunks.get([g.id])).toEqual([g]);
    await db.sites.delete('gone');
    expect(await db.chunks.get([g.id])).toEqual([]);
  });

  it('replace swaps the chunks of a re-ingested source and keeps the document id', async () => {
    await db.documents.replace(doc('d-a', 'a.md', 'A', 'shop', 'doc'), [part(0, 'A', 'alpha one'), part(1, 'A', 'alpha two')]);
    const next = await db.documents.replace({ ...doc('d-a-new-id', 'a.md', 'A v2', 'shop', 'doc'), hash: 'h2' }, [
      part(0, 'A', 'alpha three'),
    ]);
    expect(next[0].documentId).toBe('d-a');
    expect(await db.documents.get('shop', 'a.md')).toMatchObject({ id: 'd-a', title: 'A v2', hash: 'h2' });
    const { rows } = await pg.query<{ content: string }>(`select content from chunks where document_id = 'd-a'`);
    expect(rows.map((r) => r.content)).toEqual(['alpha three']);
  });

  it('replace is all or nothing: a failing chunk leaves the old chunks in place', async () => {
    await db.documents.replace(doc('d-b', 'b.md', 'B'), [part(0, 'B', 'bravo original')]);
    const bad = [part(0, 'B', 'bravo new'), { ...part(1, 'B', 'broken'), tokens: null as unknown as number }];
    await expect(db.documents.replace({ ...doc('d-b', 'b.md', 'B'), hash: 'changed' }, bad)).rejects.toThrow();
    const { rows } = await pg.query<{ content: string }>(`select content from chunks where document_id = 'd-b'`);
    expect(rows.map((r) => r.content)).toEqual(['bravo original']);
    expect((await db.documents.get('shop', 'b.md'))!.hash).toBe('h-d-b');
  });

  it('delete removes documents and cascades to their chunks', async () => {
    await db.documents.delete(['d-a', 'd-b']);
    await db.documents.delete([]);
    expect(await db.documents.get('shop', 'a.md')).toBeNull();
    const { rows } = await pg.query<{ n: number }>(`select count(*)::int as n from chunks where document_id in ('d-a', 'd-b')`);
    expect(rows[0].n).toBe(0);
  });
});

describe('chunks.textSearch', () => {
  const top = async (q: string) => {
    const hits = await db.chunks.textSearch('shop', q, 3);
    const [first] = await db.chunks.get(hits.slice(0, 1).map((h) => h.chunkId));
    return { hits, title: first?.title };
  };

  it.each([
    ['Can I get my money back if I return shoes?', 'Returns'],
    ['how long does shipping take', 'Shipping times'],
    ['the parcel was damaged, what now?', 'Damaged items'],
    ['do you deliver to other countries?', 'International delivery'],
    ['what size should I order', 'Size guide'],
  ])('ranks the right chunk first for %j', async (q, title) => {
    expect((await top(q)).title).toBe(title);
  });

  it('matches any of the words, ranks in score order, and respects k', async () => {
    const hits = await db.chunks.textSearch('shop', 'refund gift shipping', 10);
    expect(hits.length).toBe(3);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
    expect(await db.chunks.textSearch('shop', 'refund gift shipping', 1)).toHaveLength(1);
  });

  it('stays within the site and returns nothing for stop words, punctuation or k = 0', async () => {
    const ids = new Set(faqChunks.map((c) => c.id));
    for (const h of await db.chunks.textSearch('shop', 'returns refunded', 10)) expect(ids.has(h.chunkId)).toBe(true);
    expect(await db.chunks.textSearch('nobody', 'returns', 10)).toEqual([]);
    expect(await db.chunks.textSearch('shop', 'how are you', 10)).toEqual([]);
    expect(await db.chunks.textSearch('shop', "?!' & | ) (", 10)).toEqual([]);
    expect(await db.chunks.textSearch('shop', 'returns', 0)).toEqual([]);
    // tsquery syntax in user text is just text.
    expect((await db.chunks.textSearch('shop', "gift' | !cards:* <->", 5)).length).toBeGreaterThan(0);
  });
});

describe('products', () => {
  beforeAll(async () => {
    await db.products.upsert([
      { siteId: 'shop', sku: 'TRAIL-42', name: 'Trail Runner', description: 'Waterproof running shoe for muddy trails', priceCents: 12900, currency: 'EUR', stock: 4, url: null },
      { siteId: 'shop', sku: 'CITY-1', name: 'City Sneaker', description: 'Leather sneaker for everyday wear', priceCents: 8900, currency: 'EUR', stock: 0, url: 'https://shop.example/city' },
      { siteId: 'shop', sku: 'SOCK-3', name: 'Wool Socks 100%', description: 'Merino socks, pack of three', priceCents: 1900, currency: 'EUR', stock: 50, url: null },
      { siteId: 'other', sku: 'TRAIL-42', name: 'Other Trail', description: 'running', priceCents: 1, currency: 'USD', stock: 1, url: null },
    ]);
  });

  it('upsert inserts and then updates by (site, sku)', async () => {
    await db.products.upsert([{ siteId: 'shop', sku: 'CITY-1', name: 'City Sneaker', description: 'Leather sneaker for everyday wear', priceCents: 7900, currency: 'EUR', stock: 12, url: null }]);
    expect(await db.products.get('shop', 'CITY-1')).toEqual({
      siteId: 'shop', sku: 'CITY-1', name: 'City Sneaker', description: 'Leather sneaker for everyday wear',
      priceCents: 7900, currency: 'EUR', stock: 12, url: null,
    });
    expect(await db.products.get('shop', 'NOPE')).toBeNull();
    expect((await db.products.get('other', 'TRAIL-42'))!.name).toBe('Other Trail');
  });

  it('search finds by words of name or description, by name substring and by sku, within the site', async () => {
    expect((await db.products.search('shop', 'shoes for running', 5)).map((p) => p.sku)).toEqual(['TRAIL-42']);
    expect((await db.products.search('shop', 'sneak', 5)).map((p) => p.sku)).toEqual(['CITY-1']);
    expect((await db.products.search('shop', 'trail-42', 5)).map((p) => p.sku)).toEqual(['TRAIL-42']);
    expect((await db.products.search('shop', 'socks 100%', 5)).map((p) => p.sku)).toEqual(['SOCK-3']);
    // LIKE wildcards in the query are literal: "%" alone matches only names containing "%".
    expect((await db.products.search('shop', '%', 5)).map((p) => p.sku)).toEqual(['SOCK-3']);
    expect(await db.products.search('shop', '   ', 5)).toEqual([]);
    expect(await db.products.search('shop', 'running', 0)).toEqual([]);
    expect((await db.products.search('shop', 'running sneaker socks', 2)).length).toBe(2);
  });
});

describe('orders', () => {
  const order = (o: Partial<OrderRow>): OrderRow => ({
    siteId: 'shop', number: 'A-1001', email: 'Ann@Example.com ', status: 'shipped',
    items: [{ sku: 'TRAIL-42', name: 'Trail Runner', qty: 1 }], totalCents: 12900, currency: 'EUR',
    carrier: 'DHL', tracking: 'JD0001', updatedAt: new Date('2026-02-01T12:00:00Z'), ...o,
  });

  it('finds an order only when number (any case) and email (normalized) both match', async () => {
    await db.orders.upsert([order({}), order({ number: 'B-7', email: 'bob@example.com', status: 'processing', carrier: null, tracking: null })]);
    const found = await db.orders.find('shop', ' a-1001 ', '  ANN@example.COM');
    expect(found).toEqual({ ...order({}), email: 'ann@example.com' });
    expect(await db.orders.find('shop', 'A-1001', 'bob@example.com')).toBeNull();
    expect(await db.orders.find('shop', 'A-1002', 'ann@example.com')).toBeNull();
    expect(await db.orders.find('other', 'A-1001', 'ann@example.com')).toBeNull();
    expect(await db.orders.find('shop', 'A-1001', '')).toBeNull();
  });

  it('upsert updates status and tracking', async () => {
    await db.orders.upsert([order({ status: 'delivered', tracking: 'JD0002', updatedAt: new Date('2026-02-03T00:00:00Z') })]);
    const o = await db.orders.find('shop', 'A-1001', 'ann@example.com');
    expect(o).toMatchObject({ status: 'delivered', tracking: 'JD0002' });
    expect(o!.updatedAt.toISOString()).toBe('2026-02-03T00:00:00.000Z');
  });
});
