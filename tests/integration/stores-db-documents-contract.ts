/**
 * The `Db` port's contract for documents, chunks and their full-text search: run from
 * `dbContract` (stores-db-contract.ts) once its sites 'shop' and 'other' exist.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChunkRow, Db, DocKind, DocumentRow } from '../../edge/core/ports';
import type { ContractTarget } from './stores-db-contract';

const doc = (id: string, source: string, title: string, siteId = 'shop', kind: DocKind = 'faq'): DocumentRow => ({
  id, siteId, source, kind, title, url: `https://shop.example/${source}`, hash: `h-${id}`,
});
const part = (ord: number, title: string, content: string) => ({
  kind: 'faq' as const, ord, title, url: null, content, tokens: content.split(' ').length,
});
/** Text that an array literal or a quoted value must escape. */
const ODD = 'mike two: "quoted", {braced}, back\\slash, it\'s\nnew line, NULL, ünïcödé 🙂';
const FAQ: [string, string][] = [
  ['Returns', 'You can return unworn items within 30 days of delivery for a full refund to the original payment method.'],
  ['Shipping times', 'Standard shipping takes 3-5 business days; express shipping arrives the next business day.'],
  ['International delivery', 'We deliver to over 40 countries. Customs duties are paid by the recipient.'],
  ['Gift cards', 'Gift cards never expire and can be used online or in our stores.'],
  ['Damaged items', 'If your parcel arrived damaged, send us a photo within 7 days and we will replace it free of charge.'],
];

export function documentsContract(target: () => ContractTarget): void {
  let db: Db;
  let raw: ContractTarget['raw'];
  const count = async (sql: string) => Number((await raw.query<{ n: number }>(sql)).rows[0].n);
  beforeAll(() => {
    ({ db, raw } = target());
  });

  describe('documents, chunks and full-text search', () => {
    let faq: ChunkRow[];
    beforeAll(async () => {
      faq = await db.documents.replace(doc('d-faq', 'faq.md', 'FAQ'), FAQ.map(([t, c], i) => part(i, t, c)));
      await db.documents.replace(doc('d-other', 'faq.md', 'FAQ', 'other'), [part(0, 'Returns', 'Returns are refunded in 30 days.')]);
    });

    it('replace stores chunks with fresh ids; get keeps the asked order', async () => {
      expect(faq).toHaveLength(FAQ.length);
      expect(faq[0].id).toMatch(/^ch_[0-9a-f]{32}$/);
      expect(await db.documents.get('shop', 'faq.md')).toEqual(doc('d-faq', 'faq.md', 'FAQ'));
      expect(await db.documents.count('shop')).toBe(1);
      expect(await db.chunks.count('shop')).toBe(FAQ.length);
      const got = await db.chunks.get([faq[3].id, 'ch_missing', faq[0].id]);
      expect(got.map((c) => c.id)).toEqual([faq[3].id, faq[0].id]);
      expect(got[0]).toEqual(faq[3]);
    });

    it('replace is one transaction: a failing chunk leaves the old ones in place', async () => {
      await db.documents.replace(doc('d-b', 'b.md', 'B'), [part(0, 'B', 'bravo original')]);
      const bad = [part(0, 'B', 'bravo new'), { ...part(1, 'B', 'broken'), tokens: null as unknown as number }];
      await expect(db.documents.replace({ ...doc('d-b', 'b.md', 'B'), hash: 'changed' }, bad)).rejects.toThrow();
      const rows = await raw.query<{ content: string }>(`select content from chunks where document_id = 'd-b'`);
      expect(rows.rows.map((r) => r.content)).toEqual(['bravo original']);
      await db.documents.delete(['d-b']);
      expect(await count(`select count(*)::int as n from chunks where document_id = 'd-b'`)).toBe(0);
    });

    it('replaceMany is replace for each in turn, in one transaction: stored ids kept, chunks in order, all or nothing', async () => {
      await db.documents.replace(doc('d-m1', 'm1.md', 'M1'), [part(0, 'M1', 'mike one old'), part(1, 'M1', 'mike one older')]);
      const saved = await db.documents.replaceMany([
        // The stored document keeps its id whatever id is given.
        { doc: { ...doc('d-m1-new', 'm1.md', 'M1 new'), hash: 'h-m1-2' }, chunks: [part(0, 'M1', 'mike one new')] },
        { doc: doc('d-m2', 'm2.md', 'M2 "quoted", {x}'), chunks: [part(0, 'M2', ODD), part(1, 'M2', 'mike two b')] },
        { doc: doc('d-m3', 'm3.md', 'M3', 'other'), chunks: [] },
      ]);
      expect(saved.map((s) => s.documentId)).toEqual(['d-m1', 'd-m2', 'd-m3']);
      expect(saved.map((s) => s.chunks.map((c) => [c.documentId, c.siteId, c.ord, c.content]))).toEqual([
        [['d-m1', 'shop', 0, 'mike one new']],
        [['d-m2', 'shop', 0, ODD], ['d-m2', 'shop', 1, 'mike two b']],
        [],
      ]);
      expect(await db.documents.get('shop', 'm1.md')).toEqual({ ...doc('d-m1', 'm1.md', 'M1 new'), hash: 'h-m1-2' });
      expect(await db.chunks.ofDocument('d-m1')).toEqual(saved[0].chunks);
      expect(await db.chunks.ofDocument('d-m2')).toEqual(saved[1].chunks);
      expect(await db.documents.get('shop', 'm2.md')).toEqual(doc('d-m2', 'm2.md', 'M2 "quoted", {x}'));
      expect(await db.documents.get('other', 'm3.md')).toEqual(doc('d-m3', 'm3.md', 'M3', 'other'));
      // A source twice: the later one wins, as two replace calls would leave it.
      const twice = await db.documents.replaceMany([
        { doc: doc('d-m4', 'm4.md', 'first'), chunks: [part(0, 'M4', 'first')] },
        { doc: doc('d-m4b', 'm4.md', 'second'), chunks: [part(0, 'M4', 'second')] },
      ]);
      expect(twice.map((s) => s.documentId)).toEqual(['d-m4', 'd-m4']);
      expect((await db.chunks.ofDocument('d-m4')).map((c) => c.content)).toEqual(['second']);
      // One bad chunk: nothing of the call is written.
      const bad = { ...part(1, 'M2', 'broken'), tokens: null as unknown as number };
      await expect(
        db.documents.replaceMany([
          { doc: { ...doc('d-m1', 'm1.md', 'M1 newer'), hash: 'h-m1-3' }, chunks: [part(0, 'M1', 'mike one newer')] },
          { doc: doc('d-m5', 'm5.md', 'M5'), chunks: [part(0, 'M5', 'fine'), bad] },
        ]),
      ).rejects.toThrow();
      expect(await db.documents.get('shop', 'm1.md')).toMatchObject({ title: 'M1 new', hash: 'h-m1-2' });
      expect((await db.chunks.ofDocument('d-m1')).map((c) => c.content)).toEqual(['mike one new']);
      expect(await db.documents.get('shop', 'm5.md')).toBeNull();
      expect(await db.documents.replaceMany([])).toEqual([]);
      await db.documents.delete(['d-m1', 'd-m2', 'd-m3', 'd-m4']);
    });

    it('list gives every document of the site by source', async () => {
      await db.documents.replaceMany([
        { doc: doc('d-l2', 'list/b.md', 'B'), chunks: [] },
        { doc: { ...doc('d-l1', 'list/a.md', 'A "quoted" \\ title'), url: null }, chunks: [] },
      ]);
      const listed = (await db.documents.list('shop')).filter((d) => d.source.startsWith('list/'));
      expect(listed).toEqual([{ ...doc('d-l1', 'list/a.md', 'A "quoted" \\ title'), url: null }, doc('d-l2', 'list/b.md', 'B')]);
      expect(await db.documents.list('nobody')).toEqual([]);
      await db.documents.delete(['d-l1', 'd-l2']);
    });

    it.each([
      ['Can I get my money back if I return shoes?', 'Returns'],
      ['how long does shipping take', 'Shipping times'],
      ['the parcel was damaged, what now?', 'Damaged items'],
    ])('textSearch ranks the right chunk first for %j, within the site', async (q, title) => {
      const hits = await db.chunks.textSearch('shop', q, 3);
      const [first] = await db.chunks.get(hits.slice(0, 1).map((h) => h.chunkId));
      expect(first?.title).toBe(title);
      expect(await db.chunks.textSearch('nobody', q, 3)).toEqual([]);
    });

    it('spell corrects words the site never uses to its own, and leaves known words, stop words and codes alone', async () => {
      expect(await db.chunks.spell('shop', 'how long does shiping take to retrun shoes')).toBe('how long does ship take to return shoes');
      expect(await db.chunks.spell('shop', 'Where is TRAIL-42? dosnt matter')).toBe('Where is TRAIL-42? dosnt matter');
      expect(await db.chunks.spell('shop', '???')).toBe('???');
    });
  });

  it('documents: mostCited ranks a kind by the answers citing it, then in the order documents came', async () => {
    await db.sites.upsert({ id: 'ranked', name: 'Ranked', allowedOrigins: [] });
    for (const [id, title] of [['rk-1', 'Returns'], ['rk-2', 'Shipping'], ['rk-3', 'Gift cards']]) {
      await db.documents.replace(doc(id, `faq.csv#${id}`, title, 'ranked'), [part(0, title, `${title}: the answer`)]);
    }
    await db.documents.replace(doc('rk-guide', 'guide.md', 'Gift cards', 'ranked', 'doc'), [part(0, 'Gift cards', 'the guide')]);
    expect(await db.documents.mostCited('ranked', 'faq', 4)).toEqual([
      { title: 'Returns', cited: 0 },
      { title: 'Shipping', cited: 0 },
      { title: 'Gift cards', cited: 0 },
    ]);
    const answer = (id: string, conversationId: string, titles: string[], role: 'assistant' | 'user' = 'assistant') =>
      db.messages.add({
        id, conversationId, role, clientId: id, replyTo: null, text: 'x', intent: null, confidence: null,
        citations: titles.map((title, i) => ({ n: i + 1, title, snippet: '…' })),
      });
    await db.conversations.create({ id: 'rk-c', siteId: 'ranked' });
    await answer('rk-a1', 'rk-c', ['Gift cards', 'Shipping']);
    // Cited twice in one answer counts once.
    await answer('rk-a2', 'rk-c', ['Gift cards', 'Gift cards']);
    // Another site's answers and a message that is no answer count for nothing.
    await db.conversations.create({ id: 'rk-o', siteId: 'other' });
    await answer('rk-o1', 'rk-o', ['Returns']);
    await answer('rk-o2', 'rk-o', ['Returns']);
    await answer('rk-u1', 'rk-c', ['Returns', 'Returns'], 'user');
    expect(await db.documents.mostCited('ranked', 'faq', 2)).toEqual([
      { title: 'Gift cards', cited: 2 },
      { title: 'Shipping', cited: 1 },
    ]);
    expect(await db.documents.mostCited('ranked', 'doc', 4)).toEqual([{ title: 'Gift cards', cited: 2 }]);
    expect(await db.documents.mostCited('nobody', 'faq', 4)).toEqual([]);
  });
}
