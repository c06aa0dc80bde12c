/**
 * The admin API's documents and conversations on the Worker in workerd (`wrangler dev` over
 * the local Postgres the Neon driver reaches, as in the other workerd tests): the same routes
 * and answers as on Node. An upload is ingested by the Worker itself (its hashed embedder, its
 * pgvector); CSV, whose reader needs Node.js, is refused with 501 and a way round. Sites and
 * agents are made, changed and removed, and tickets
 * answered through it as on Node, the write forwarded to the conversation's Durable Object.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker';
import { NO_LIMITS } from '../helpers/limits';
import { TestSocket } from '../helpers/ws-client';

const ADMIN = 'admin-token-0123456789';
let worker: LocalWorker;
beforeAll(async () => {
  worker = await startLocalWorker({ vars: { ...NO_LIMITS, ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn' } });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

const auth = { authorization: `Bearer ${ADMIN}` };
const admin = (path: string, init: RequestInit = {}) => fetch(`${worker.url}/v1/admin${path}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });
const upload = (name: string, content: string) => {
  const form = new FormData();
  form.set('file', new Blob([content]), name);
  return admin('/sites/demo/documents', { method: 'POST', body: form });
};
type Doc = { id: string; source: string; chunks: number };

describe('the admin API on the Worker in workerd', () => {
  it('lists documents a page at a time', async () => {
    const all = (await (await admin('/sites/demo/documents?limit=200')).json()) as { items: Doc[]; next: string | null };
    expect(all.next).toBeNull();
    expect(all.items.length).toBeGreaterThan(20);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await admin(`/sites/demo/documents?limit=9${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Doc[]; next: string | null };
      seen.push(...page.items.map((d) => d.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(all.items.map((d) => d.id));
    expect((await admin('/sites/demo/documents?cursor=zzz')).status).toBe(400);
  });

  it('ingests an upload in the Worker (stored with its vectors in the shared Postgres), idempotently; CSV is refused with 501', async () => {
    const text = '# Zorblax lantern warranty\n\nEvery Zorblax lantern carries a seven year warranty.\n';
    const first = await upload('zorblax.md', text);
    expect(first.status, await first.clone().text()).toBe(201);
    expect(await first.json()).toMatchObject({ source: 'zorblax.md', unchanged: false, documents: { added: 1 } });
    const again = await upload('zorblax.md', text);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ unchanged: true, documents: { unchanged: 1 } });
    const { rows } = await worker.postgres.pg.query<{ chunks: number; vectors: number }>(
      `select (select count(*) from chunks c where c.document_id = d.id)::int as chunks, (select count(*) from chunk_vectors v where v.document_id = d.id)::int as vectors
       from documents d where d.site_id = 'demo' and d.source = 'zorblax.md'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.vectors).toBe(rows[0]!.chunks);

    const json = await admin('/sites/demo/documents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'api-faqs', faqs: [{ question: 'Do you offer student discounts?', answer: 'Yes, 10% with a student card.' }] }),
    });
    expect(json.status).toBe(201);

    const csv = await upload('faq.csv', 'question,answer\nA?,B.\n');
    expect(csv.status).toBe(501);
    expect(((await csv.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'not_implemented',
      message: expect.stringMatching(/CSV files cannot be read on this runtime.*send the rows as JSON/),
    });
    const bad = await upload('bad.md', '---\ntitle: x\n');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^bad\.md: front matter/);

    // Too large: refused, and the next request is served as usual.
    const huge = await upload('huge.txt', 'x'.repeat(6 * 1024 * 1024));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('too_large');

    const doc = ((await (await admin('/sites/demo/documents?limit=200')).json()) as { items: Doc[] }).items.find((d) => d.source === 'zorblax.md')!;
    expect((await admin(`/sites/demo/documents/${doc.id}`, { method: 'DELETE' })).status).toBe(200);
    const left = await worker.postgres.pg.query(`select 1 from chunk_vectors where document_id = $1`, [doc.id]);
    expect(left.rows).toEqual([]);
    const reembed = await admin('/sites/demo/documents/reembed', { method: 'POST' });
    expect(reembed.status).toBe(200);
    expect(await reembed.json()).toMatchObject({ siteId: 'demo', model: 'local-hash-384' });
  }, 60_000);

  it('lists conversations and shows one', async () => {
    const res = await fetch(`${worker.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', id: 'w1', text: 'How long does shipping take?' }),
    });
    expect(res.status).toBe(200);
    const { session } = (await res.json()) as { session: string };
    const list = (await (await admin('/conversations?site=demo&limit=10')).json()) as { items: { id: string; firstQuestion: string; messages: number }[]; next: string | null };
    expect(list.items[0]).toMatchObject({ id: session, firstQuestion: 'How long does shipping take?' });
    expect(list.items[0]!.messages).toBeGreaterThanOrEqual(2);
    expect((await admin('/conversations?handoff=perhaps')).status).toBe(400);
    const one = (await (await admin(`/conversations/${session}`)).json()) as { transcript: { role: string }[] };
    expect(one.transcript.map((e) => e.role)).toEqual(['user', 'assistant']);
  });

  it("lists tickets and answers one as a named agent: the write runs in the conversation's Durable Object", async () => {
    const visitor = await TestSocket.open(`${worker.url.replace('http', 'ws')}/v1/ws?site=demo`);
    const { session } = await visitor.hello();
    visitor.send({ type: 'handoff', reason: 'a person please' });
    const opened = await visitor.next('handoff');
    await worker.postgres.pg.query(`INSERT INTO agents (id, site_id, email, name, password_hash) VALUES ('ag_wa', 'demo', 'wa@juniper.example', 'Wanda', 'x') ON CONFLICT DO NOTHING`);
    const list = (await (await admin('/tickets?site=demo')).json()) as { items: { id: string; conversationId: string }[] };
    expect(list.items.find((t) => t.id === opened.ticket)?.conversationId).toBe(session);
    const post = (path: string, body: unknown) => admin(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(`/tickets/${opened.ticket}/reply`, { text: 'no agent named' })).status).toBe(400);
    expect((await post(`/tickets/${opened.ticket}/reply`, { agent: 'ag_wa', text: 'Wanda here, from the admin API.' })).status).toBe(200);
    expect(await visitor.next('agent.message')).toMatchObject({ text: 'Wanda here, from the admin API.', agent: { name: 'Wanda' } });
    expect((await post(`/tickets/${opened.ticket}/close`, {})).status).toBe(200);
    expect((await visitor.next('handoff', (f) => f.status === 'closed')).agent).toMatchObject({ name: 'Wanda' });
    expect((await (await admin(`/tickets/${opened.ticket}`)).json()).transcript.map((e: { role: string }) => e.role)).toEqual(['ticket', 'agent']);
    visitor.close();
  });

  it('makes, changes, re-keys and deletes a site, and makes and disables its agents', async () => {
    const json = (path: string, method: string, body?: unknown) => admin(path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const made = await json('/sites', 'POST', { id: 'wd-acme', name: 'Acme', origins: ['https://acme.example/'] });
    expect(made.status).toBe(201);
    const { site, secretKey } = await made.json();
    expect(site).toMatchObject({ id: 'wd-acme', allowedOrigins: ['https://acme.example'] });
    expect(secretKey).toMatch(/^sk_/);
    expect((await json('/sites', 'POST', { id: 'wd-acme' })).status).toBe(409);
    const changed = await json('/sites/wd-acme', 'PATCH', { addOrigins: ['http://localhost:5173'], settings: { retentionDays: 30 } });
    expect((await changed.json()).site).toMatchObject({ allowedOrigins: ['https://acme.example', 'http://localhost:5173'], settings: { retentionDays: 30 } });
    expect((await json('/sites/wd-acme', 'PATCH', { settings: { retentionDays: 'soon' } })).status).toBe(400);
    const rekeyed = await (await json('/sites/wd-acme/keys', 'POST', { rotate: 'public' })).json();
    expect(rekeyed.publicKey).toMatch(/^pk_/);
    expect(rekeyed.publicKey).not.toBe(site.publicKey);
    expect((await (await admin('/sites/wd-acme')).json()).site.publicKey).toBe(rekeyed.publicKey);

    const agent = await json('/agents', 'POST', { site: 'wd-acme', email: 'ada@acme.example', name: 'Ada', password: 'a long passphrase' });
    expect(agent.status).toBe(201);
    const { agent: ada } = await agent.json();
    const login = () => fetch(`${worker.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@acme.example', password: 'a long passphrase' }) });
    expect((await login()).status).toBe(200);
    expect((await json(`/agents/${ada.id}/disable`, 'POST')).status).toBe(204);
    expect((await login()).status).toBe(401);

    expect((await json('/sites/wd-acme', 'DELETE')).status).toBeLessThan(300);
    expect((await admin('/sites/wd-acme')).status).toBe(404);
  });

  it("trains a site's own intents in the Worker, answers with them and their actions at once, and goes back to the built-in ones", async () => {
    const hours = 'Open 9–19, Monday to Saturday.';
    const put = await admin('/sites/demo/intents', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: readFileSync('demo/intents.csv', 'utf8') });
    expect(put.status).toBe(200);
    const trained = (await put.json()) as { version: string; report: { intents: string[] } };
    expect(trained.report.intents).toContain('store_hours');
    const patch = await admin('/sites/demo', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings: { intents: { store_hours: { action: 'reply', reply: hours } } } }) });
    expect(patch.status).toBe(200);
    const ask = async (id: string) => {
      const s = await TestSocket.open(`${worker.url.replace(/^http/, 'ws')}/v1/ws?site=demo`);
      await s.hello();
      const a = await s.ask(id, 'what time does the shop open on saturday?');
      s.close();
      return a;
    };
    // The site's settings are read again within 10 s (SITE_TTL_MS) by the conversation's object.
    let a = await ask('i1');
    for (let i = 2; a.text !== hours && i < 30; i++) {
      await new Promise((r) => setTimeout(r, 500));
      a = await ask(`i${i}`);
    }
    expect(a.start.intent).toBe('store_hours');
    expect(a.text).toBe(hours);
    expect(((await (await admin('/sites/demo/intents')).json()) as { version: string }).version).toBe(trained.version);
    expect((await admin('/sites/demo/intents', { method: 'DELETE' })).status).toBe(204);
    await admin('/sites/demo', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings: { intents: null } }) });
  }, 60_000);

  it('logged no uncaught error', () => {
    expect(worker.wrangler.lines.filter((l) => /Uncaught|✘ \[ERROR\]/.test(l))).toEqual([]);
  });
});
