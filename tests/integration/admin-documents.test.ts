/**
 * A site's documents through the admin API on the running Node server: listed a page at a
 * time, uploaded as a file or JSON rows and ingested by the server itself (the CLI's pipeline,
 * its embedder and vector store), the same upload again changing nothing, a bad file or an
 * oversized one refused with nothing written, a document deleted with its chunks and vectors,
 * the site re-embedded; every write audited, and a token without the scope refused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../edge/stores/db/pglite';
import { runCli } from '../servers/cli';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const ADMIN = 'admin-token-0123456789';
let dir: string;
let readOnly: string;
let server: TestServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'admin-documents-'));
  // Made as an operator makes it, before the server holds the database.
  const made = await runCli('node', ['--import', 'tsx', 'edge/runtime/node/admin-cli.ts', 'token', 'create', '--scope', 'read', '--name', 'reader'], 60_000, {
    DATA_DIR: join(dir, 'db'),
  });
  expect(made.code, made.stderr).toBe(0);
  readOnly = /made: (adm_\S+)/.exec(made.stdout)![1]!;
  server = await startTestServer({ ADMIN_TOKEN: ADMIN }, dir);
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Doc = { id: string; source: string; kind: string; title: string; url: string | null; hash: string; chunks: number; updatedAt: string };
type Page = { items: Doc[]; next: string | null };
type Summary = { source: string; unchanged: boolean; documents: Record<'added' | 'updated' | 'unchanged' | 'removed', number>; chunks: number; products: number; orders: number };

const auth = (token = ADMIN) => ({ authorization: `Bearer ${token}` });
const base = () => `${server.url}/v1/admin/sites`;
const list = async (site: string, query = '', token = ADMIN) => fetch(`${base()}/${site}/documents${query}`, { headers: auth(token) });
const upload = (site: string, name: string, content: string | Uint8Array, extra: Record<string, string> = {}, token = ADMIN) => {
  const form = new FormData();
  form.set('file', new Blob([content as BlobPart]), name);
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  return fetch(`${base()}/${site}/documents`, { method: 'POST', headers: auth(token), body: form });
};
const rows = (site: string, body: unknown, token = ADMIN) =>
  fetch(`${base()}/${site}/documents`, { method: 'POST', headers: { ...auth(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
const error = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
async function everything(site: string, limit: number): Promise<Doc[]> {
  const out: Doc[] = [];
  let cursor: string | null = null;
  do {
    const res = await list(site, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

const WARRANTY = `# Zorblax lantern warranty\n\nEvery Zorblax lantern carries a seven year warranty against defects.\n\n## Claims\n\nSend a photo of the fault to claims@example.com.\n`;
const FAQS = 'question,answer\nDo you sell gift cards?,Yes: from $25 to $500.\nCan I pay with PayPal?,Yes at checkout.\nDo you price match?,No we do not match prices.\n';

describe('documents through the admin API (Node server)', () => {
  it('lists the demo documents a page at a time, none skipped or repeated; a bad cursor or limit is refused', async () => {
    const all = await everything('demo', 200);
    expect(all.length).toBeGreaterThan(20);
    expect(all[0]).toMatchObject({ id: expect.stringMatching(/^doc_/), kind: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/), chunks: expect.any(Number) });
    expect(Date.parse(all[0]!.updatedAt)).not.toBeNaN();
    const paged = await everything('demo', 7);
    expect(paged.map((d) => d.id)).toEqual(all.map((d) => d.id));
    expect(new Set(paged.map((d) => d.id)).size).toBe(paged.length);

    const bad = await list('demo', '?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(await error(bad)).toMatchObject({ code: 'invalid_message', message: expect.stringMatching(/"cursor"/) });
    expect(await error(await list('demo', '?limit=0'))).toMatchObject({ message: expect.stringMatching(/"limit"/) });
    expect((await list('nope')).status).toBe(404);
  });

  it('ingests an uploaded file with the server\'s pipeline; the same file again changes nothing and says so', async () => {
    const first = await upload('demo', 'zorblax.md', WARRANTY);
    expect(first.status).toBe(201);
    const made = (await first.json()) as Summary;
    expect(made).toMatchObject({ source: 'zorblax.md', unchanged: false, documents: { added: 1, updated: 0, unchanged: 0, removed: 0 } });
    expect(made.chunks).toBeGreaterThan(0);
    const listed = (await everything('demo', 200)).find((d) => d.source === 'zorblax.md')!;
    expect(listed).toMatchObject({ kind: 'doc', title: 'Zorblax lantern warranty', chunks: made.chunks });

    const again = await upload('demo', 'zorblax.md', WARRANTY);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ unchanged: true, documents: { added: 0, updated: 0, unchanged: 1, removed: 0 }, chunks: 0 });
    expect((await everything('demo', 200)).find((d) => d.source === 'zorblax.md')).toEqual(listed);

    // Answered from at once: the running server searches what it just stored.
    const chat = await fetch(`${server.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', id: 'z1', text: 'How long is the Zorblax lantern warranty?' }),
    });
    const { answer } = (await chat.json()) as { answer: { text: string; citations: { title: string }[] } };
    expect(answer.citations.map((c) => c.title).join(' ')).toMatch(/Zorblax/);

    const changed = await upload('demo', 'zorblax.md', WARRANTY.replace('seven', 'ten'));
    expect(await changed.json()).toMatchObject({ unchanged: false, documents: { updated: 1 } });
  });

  it('takes a body sent in chunks, without a length, as curl -T or a streaming client sends it', async () => {
    const body = JSON.stringify({ source: 'chunked-rows', faqs: [{ question: 'Do you engrave mugs?', answer: 'Yes, up to 20 letters for $8.' }] });
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream<Uint8Array>({
      start(ctrl) {
        ctrl.enqueue(bytes.subarray(0, 40));
        ctrl.enqueue(bytes.subarray(40));
        ctrl.close();
      },
    });
    const res = await fetch(`${base()}/demo/documents`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ source: 'chunked-rows', documents: { added: 1 } });
  });

  it('a FAQ file, then the file without one row: that row\'s document goes; JSON rows with a source', async () => {
    expect(await (await upload('demo', 'more-faqs.csv', FAQS)).json()).toMatchObject({ documents: { added: 3 } });
    const fewer = await upload('demo', 'more-faqs.csv', FAQS.split('\n').slice(0, 3).join('\n'));
    expect(await fewer.json()).toMatchObject({ unchanged: false, documents: { added: 0, unchanged: 2, removed: 1 } });
    expect((await everything('demo', 200)).filter((d) => d.source.startsWith('more-faqs.csv#'))).toHaveLength(2);

    const json = { source: 'api-faqs', faqs: [{ question: 'Do you offer student discounts?', answer: 'Yes, 10% with a student card.' }], products: [{ sku: 'ZB-1', name: 'Zorblax lantern', price: 39 }] };
    const made = await rows('demo', json);
    expect(made.status).toBe(201);
    expect(await made.json()).toMatchObject({ source: 'api-faqs', documents: { added: 2 }, products: 1 });
    expect(await (await rows('demo', json)).json()).toMatchObject({ unchanged: true, documents: { unchanged: 2 } });
  });

  it('a changed answer reaches the next visitor at once: the answer cache forgets what the site said before', async () => {
    const ask = async (text: string) => {
      const s = await TestSocket.open(`ws://127.0.0.1:${server.port}/v1/ws?site=demo`, { origin: server.url });
      await s.hello();
      const a = await s.ask('c1', text);
      s.close();
      return a.text;
    };
    const q = 'What time does the Zorblax repair desk close on Saturdays?';
    const faq = (hours: string) => ({ source: 'desk-hours', faqs: [{ question: q, answer: `The Zorblax repair desk is open until ${hours} on Saturdays.` }] });
    expect((await rows('demo', faq('4 pm'))).status).toBe(201);
    expect(await ask(q)).toMatch(/4 pm/);
    expect(await ask(q)).toMatch(/4 pm/); // from the cache now
    expect((await rows('demo', faq('6 pm'))).status).toBe(200);
    const after = await ask(q);
    expect(after).toMatch(/6 pm/);
    expect(after).not.toMatch(/4 pm/);
  });

  it('refuses a bad file, saying what is wrong, and writes nothing', async () => {
    const before = await everything('demo', 200);
    const cases: [Response, number, string, RegExp][] = [
      [await upload('demo', 'bad.csv', 'question,answer,colour\nA?,B,red\n'), 400, 'invalid_file', /^bad\.csv: unknown column "colour"/],
      [await upload('demo', 'bad.csv', 'question,answer\nA?,\n'), 400, 'invalid_file', /line 2, column "answer"/],
      [await upload('demo', 'binary.md', new Uint8Array([35, 32, 0, 1, 2])), 400, 'invalid_file', /binary/],
      [await upload('demo', 'manual.pdf', '%PDF-1.7'), 400, 'invalid_file', /takes \.md .*\.csv/],
      [await rows('demo', { source: 'x', faqs: [{ question: 'Q?' }] }), 400, 'invalid_file', /faqs\[0\]\.answer: is required/],
      [await rows('demo', { faqs: [] }), 400, 'invalid_message', /"source"/],
      [await fetch(`${base()}/demo/documents`, { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body: 'hi' }), 415, 'unsupported_media_type', /multipart/],
      [await upload('demo', 'huge.txt', 'x'.repeat(6 * 1024 * 1024)), 413, 'too_large', /at most 5 MB/],
      [await upload('nope', 'a.md', '# A\n\ntext'), 404, 'unknown_site', /nope/],
    ];
    for (const [res, status, code, message] of cases) {
      expect(res.status).toBe(status);
      expect(await error(res)).toMatchObject({ code, message: expect.stringMatching(message) });
    }
    expect(await everything('demo', 200)).toEqual(before);
  });

  it('the ingest CLI, refused while the server runs, names the route; that route finds the demo file as the CLI stored it', async () => {
    const cli = await runCli('node', ['--import', 'tsx', 'ingest/cli.ts', '--site', 'demo', 'demo/data/faq.csv'], 60_000, { DATA_DIR: join(dir, 'db') });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/in use by process \d+/);
    expect(cli.stderr).toMatch(
      /while it runs, upload each file through its admin API \(same formats, same pipeline\): curl -H "Authorization: Bearer \$ADMIN_TOKEN" -F file=@demo\/data\/faq\.csv -F source=demo\/data\/faq\.csv http:\/\/localhost:\d+\/v1\/admin\/sites\/demo\/documents\n/,
    );
    const same = await upload('demo', 'faq.csv', readFileSync('demo/data/faq.csv', 'utf8'), { source: 'demo/data/faq.csv' });
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({ source: 'demo/data/faq.csv', unchanged: true, documents: { added: 0, updated: 0, removed: 0 } });
  }, 60_000);

  it('deletes a document with its chunks and vectors; re-embeds the site', async () => {
    const doc = (await everything('demo', 200)).find((d) => d.source === 'zorblax.md')!;
    const gone = await fetch(`${base()}/demo/documents/${doc.id}`, { method: 'DELETE', headers: auth() });
    expect(gone.status).toBe(200);
    expect(await gone.json()).toEqual({ deleted: { id: doc.id, source: 'zorblax.md' } });
    expect((await everything('demo', 200)).some((d) => d.id === doc.id)).toBe(false);
    expect((await fetch(`${base()}/demo/documents/${doc.id}`, { method: 'DELETE', headers: auth() })).status).toBe(404);
    // A product's document takes its catalogue row with it.
    const product = (await everything('demo', 200)).find((d) => d.source === 'api-faqs#ZB-1')!;
    expect(await (await fetch(`${base()}/demo/documents/${product.id}`, { method: 'DELETE', headers: auth() })).json()).toMatchObject({ deleted: { product: 'ZB-1' } });

    const all = await everything('demo', 200);
    const res = await fetch(`${base()}/demo/documents/reembed`, { method: 'POST', headers: auth() });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ siteId: 'demo', model: 'local-hash-384', documents: all.length, chunks: all.reduce((n, d) => n + d.chunks, 0) });
  });

  it('a token without the write scope reads but cannot change anything', async () => {
    expect((await list('demo', '', readOnly)).status).toBe(200);
    const doc = (await everything('demo', 200))[0]!;
    const refused = [
      await upload('demo', 'r.md', '# R\n\ntext', {}, readOnly),
      await rows('demo', { source: 'r', faqs: [{ question: 'Q?', answer: 'A.' }] }, readOnly),
      await fetch(`${base()}/demo/documents/${doc.id}`, { method: 'DELETE', headers: auth(readOnly) }),
      await fetch(`${base()}/demo/documents/reembed`, { method: 'POST', headers: auth(readOnly) }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(403);
      expect(await error(res)).toEqual({ code: 'forbidden_scope', message: 'this token does not have the "write" scope' });
    }
    expect((await everything('demo', 200)).some((d) => d.id === doc.id)).toBe(true);
  });

  it('left the store consistent and the audit trail complete (read with the server stopped)', async () => {
    await server.close();
    const { pg, db } = await openPglite(join(dir, 'db'));
    try {
      const q = async <T,>(sql: string) => (await pg.query<T>(sql)).rows;
      expect(await q(`select * from documents where source = 'zorblax.md'`)).toEqual([]);
      expect(await q(`select * from products where site_id = 'demo' and sku = 'ZB-1'`)).toEqual([]);
      // Every chunk has its vector, and no vector outlived its chunk.
      const [counts] = await q<{ chunks: number; vectors: number; orphans: number }>(
        `select (select count(*) from chunks where site_id = 'demo')::int as chunks, (select count(*) from chunk_vectors where site_id = 'demo')::int as vectors,
          (select count(*) from chunk_vectors v where not exists (select 1 from chunks c where c.id = v.chunk_id))::int as orphans`,
      );
      expect(counts!.vectors).toBe(counts!.chunks);
      expect(counts!.orphans).toBe(0);
      const audit = await q<{ actor: string; action: string; detail: Record<string, unknown> }>(`select actor, action, detail from audit_log where action like 'document%' order by id`);
      expect(audit.map((a) => a.action)).toEqual([
        ...Array(3).fill('documents.uploaded'),
        'documents.uploaded', // sent in chunks
        ...Array(2).fill('documents.uploaded'),
        ...Array(2).fill('documents.uploaded'),
        ...Array(2).fill('documents.uploaded'), // the desk hours, then changed
        'documents.uploaded',
        'document.deleted',
        'document.deleted',
        'documents.reembedded',
      ]);
      for (const a of audit) expect(a).toMatchObject({ actor: 'admin', detail: expect.objectContaining({ address: '127.0.0.1' }) });
      expect(audit[1]!.detail).toMatchObject({ source: 'zorblax.md', unchanged: true });
    } finally {
      await db.close();
    }
  });
});
