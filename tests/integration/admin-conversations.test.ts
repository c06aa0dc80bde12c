/**
 * Conversations through the admin API on the running Node server, with visitor data sealed at
 * rest (DATA_ENCRYPTION_KEY): listed newest first a page at a time (none skipped or repeated,
 * even as new ones arrive between pages), filtered by site, time, intent, hand-off and
 * feedback, each bad filter refused by name; one conversation's transcript with its feedback
 * and tickets; a token without the `read` scope refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../servers/cli';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const ADMIN = 'admin-token-0123456789';
const KEY = `k1:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
let dir: string;
let agentOnly: string;
let server: TestServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'admin-conversations-'));
  const made = await runCli('node', ['--import', 'tsx', 'edge/runtime/node/admin-cli.ts', 'token', 'create', '--scope', 'agent', '--name', 'inbox'], 60_000, {
    DATA_DIR: join(dir, 'db'),
  });
  expect(made.code, made.stderr).toBe(0);
  agentOnly = /made: (adm_\S+)/.exec(made.stdout)![1]!;
  server = await startTestServer({ ADMIN_TOKEN: ADMIN, DATA_ENCRYPTION_KEY: KEY }, dir);
}, 120_000);
afterAll(async () => {
  await server?.destroy();
});

type Item = {
  id: string;
  siteId: string;
  createdAt: string;
  updatedAt: string;
  messages: number;
  firstQuestion: string | null;
  intents: string[];
  hasTicket: boolean;
  feedback: { up: number; down: number };
};
type Page = { items: Item[]; next: string | null };

const get = (path: string, token = ADMIN) => fetch(`${server.url}/v1/admin${path}`, { headers: { authorization: `Bearer ${token}` } });
const page = async (query: string) => {
  const res = await get(`/conversations${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
};
const ids = async (query: string) => (await page(`${query}${query ? '&' : '?'}limit=200`)).items.map((i) => i.id);
const error = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const chat = async (site: string, id: string, text: string) => {
  const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site, id, text }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { session: string }).session;
};

const started = new Date(Date.now() - 1000).toISOString();
const made = { rated: '', handedOff: '', plain: [] as string[], acme: '' };

describe('conversations through the admin API (Node server)', () => {
  it('lists every conversation newest first, with counts, intents, feedback, tickets and the first question opened', async () => {
    // One rated up, one handed off (both by socket), five plain ones, one on another site.
    const a = await TestSocket.open(server.wsUrl());
    made.rated = (await a.hello()).session;
    const answer = await a.ask('r1', 'How long do I have to return an item?');
    a.send({ type: 'feedback', answer: answer.start.id, rating: 'up' });
    await new Promise((r) => setTimeout(r, 200));
    a.close();
    const b = await TestSocket.open(server.wsUrl());
    made.handedOff = (await b.hello()).session;
    await b.ask('h1', 'Do you ship internationally?');
    b.send({ type: 'handoff', reason: 'a person please' });
    await b.next('handoff');
    b.close();
    for (let i = 0; i < 5; i++) made.plain.push(await chat('demo', `p${i}`, `Question number ${i}: how much does shipping cost?`));
    const site = await fetch(`${server.url}/v1/admin/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'acme', origins: ['*'], settings: { requireKey: false } }),
    });
    expect(site.status).toBe(201);
    made.acme = await chat('acme', 'x1', 'hello there');

    const { items, next } = await page('?limit=200');
    expect(next).toBeNull();
    expect(items.map((i) => i.id)).toEqual([made.acme, ...[...made.plain].reverse(), made.handedOff, made.rated]);
    const times = items.map((i) => Date.parse(i.createdAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const rated = items.find((i) => i.id === made.rated)!;
    expect(rated).toMatchObject({ siteId: 'demo', firstQuestion: 'How long do I have to return an item?', hasTicket: false, feedback: { up: 1, down: 0 } });
    expect(rated.messages).toBeGreaterThanOrEqual(2);
    expect(rated.intents.length).toBeGreaterThan(0);
    expect(items.find((i) => i.id === made.handedOff)).toMatchObject({ hasTicket: true, feedback: { up: 0, down: 0 } });
    expect(items.find((i) => i.id === made.plain[2])).toMatchObject({ firstQuestion: 'Question number 2: how much does shipping cost?' });
  });

  it('pages through them with the cursor: none skipped or repeated, even as a new one arrives between pages', async () => {
    const all = await ids('');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: Page = await page(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.items.length).toBeLessThanOrEqual(3);
      seen.push(...p.items.map((i) => i.id));
      cursor = p.next;
      if (++pages === 1) await chat('demo', 'late', 'A late question about shipping');
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
    // The newcomer is at the top of a fresh first page.
    expect((await ids('')).length).toBe(all.length + 1);
  });

  it('filters by site, time, intent, hand-off and feedback', async () => {
    expect(await ids('?site=acme')).toEqual([made.acme]);
    expect(await ids('?handoff=true')).toEqual([made.handedOff]);
    expect(await ids('?handoff=false&site=demo')).not.toContain(made.handedOff);
    expect(await ids('?feedback=up')).toEqual([made.rated]);
    expect(await ids('?feedback=down')).toEqual([]);
    const all = await page('?limit=200');
    const intent = all.items.find((i) => i.id === made.rated)!.intents[0]!;
    const byIntent = await page(`?intent=${intent}&limit=200`);
    expect(byIntent.items.map((i) => i.id)).toContain(made.rated);
    for (const i of byIntent.items) expect(i.intents).toContain(intent);
    expect(await ids(`?from=${encodeURIComponent(started)}`)).toHaveLength(all.items.length);
    expect(await ids(`?to=${encodeURIComponent(started)}`)).toEqual([]);
    expect(await ids('?from=2000-01-01&to=2000-01-02')).toEqual([]);
    const middle = all.items.find((i) => i.id === made.plain[2])!.createdAt;
    const after = await ids(`?from=${encodeURIComponent(middle)}&site=demo`);
    expect(after).toContain(made.plain[2]);
    expect(after).not.toContain(made.plain[1]);
  });

  it('refuses a bad filter, naming the parameter', async () => {
    const cases: [string, number, RegExp][] = [
      ['?handoff=maybe', 400, /"handoff" must be true or false/],
      ['?feedback=meh', 400, /"feedback" must be up or down/],
      ['?intent=Shopping%20Cart', 400, /"intent" must be one of greeting.*, or the name of an intent a site trained/],
      ['?from=yesterday', 400, /"from" must be a date/],
      ['?to=2026-13-45', 400, /"to" must be a date/],
      ['?from=2026-02-01&to=2026-01-01', 400, /"from" must be before "to"/],
      ['?limit=1000', 400, /"limit"/],
      ['?cursor=abc', 400, /"cursor"/],
      ['?handof=true', 400, /unknown parameter "handof"/],
      ['?site=nope', 404, /no site "nope"/],
    ];
    for (const [query, status, message] of cases) {
      const res = await get(`/conversations${query}`);
      expect(res.status, query).toBe(status);
      expect((await error(res)).message).toMatch(message);
    }
  });

  it('shows one conversation: its transcript, feedback and tickets', async () => {
    const res = await get(`/conversations/${made.rated}`);
    expect(res.status).toBe(200);
    const rated = (await res.json()) as { conversation: { siteId: string }; transcript: { role: string; text?: string }[]; feedback: { rating: string }[]; tickets: unknown[] };
    expect(rated.conversation).toMatchObject({ siteId: 'demo' });
    expect(rated.transcript[0]).toMatchObject({ role: 'user', text: 'How long do I have to return an item?' });
    expect(rated.transcript[1]).toMatchObject({ role: 'assistant' });
    expect(rated.feedback).toEqual([expect.objectContaining({ rating: 'up' })]);
    expect(rated.tickets).toEqual([]);

    const handed = (await (await get(`/conversations/${made.handedOff}`)).json()) as { transcript: { role: string }[]; tickets: { number: number; status: string; reason: string }[] };
    expect(handed.tickets).toEqual([expect.objectContaining({ number: 1001, status: 'open', reason: 'a person please' })]);
    expect(handed.transcript.map((e) => e.role)).toContain('ticket');
    expect((await get('/conversations/s_nope')).status).toBe(404);
  });

  it('a token without the read scope is refused', async () => {
    for (const path of ['/conversations', `/conversations/${made.rated}`]) {
      const res = await get(path, agentOnly);
      expect(res.status).toBe(403);
      expect(await error(res)).toEqual({ code: 'forbidden_scope', message: 'this token does not have the "read" scope' });
    }
  });
});
