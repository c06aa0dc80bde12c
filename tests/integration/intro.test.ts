/**
 * `ready.intro` on the Node server over a real WebSocket: the demo site's name and its
 * most-asked FAQ entries, re-ranked by what answers cite (after a restart: the ranking is
 * kept for minutes per process), and the owner's own avatar, reply time and questions once
 * set through the admin API (in force for the next hello).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Intro } from '@support-chat/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const ADMIN = 'admin-token-0123456789';
/** The demo FAQ's questions, in the file's order: the order they were loaded in. */
const FAQ = (parse(readFileSync(resolve(import.meta.dirname, '../../demo/data/faq.csv')), { columns: true }) as { question: string }[]).map((r) => r.question);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ADMIN_TOKEN: ADMIN });
}, 60_000);
afterAll(async () => {
  await server?.destroy();
});

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}/v1/admin${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });

/** A new session's intro. */
async function introNow(): Promise<Intro | undefined> {
  const s = await TestSocket.open(server.wsUrl());
  const ready = await s.hello();
  s.close();
  return ready.intro;
}

describe('ready.intro on the Node server', () => {
  it('the demo site: "Juniper Peak" and, before any answer, its first four FAQ questions', async () => {
    expect(await introNow()).toEqual({ title: 'Juniper Peak', suggestions: FAQ.slice(0, 4) });
  });

  it('the FAQ entry answers cited ranks first for later sessions (read again after a restart)', async () => {
    const s = await TestSocket.open(server.wsUrl());
    const ready = await s.hello();
    const { end } = await s.ask('pay', 'What payment methods do you accept?');
    s.close();
    const cited = [...new Set(end.citations.map((c) => c.title).filter((t) => FAQ.includes(t)))];
    expect(cited).toContain('What payment methods do you accept?');
    // The ranking is kept for minutes: this process still shows the one it read.
    expect((await introNow())!.suggestions).toEqual(ready.intro!.suggestions);

    server = await server.restart();
    // Cited once each, then the rest in the file's order.
    const expected = [...cited.sort((a, b) => FAQ.indexOf(a) - FAQ.indexOf(b)), ...FAQ.filter((q) => !cited.includes(q))].slice(0, 4);
    const after = (await introNow())!.suggestions;
    expect(after).toEqual(expected);
    expect(FAQ.slice(0, 4)).not.toContain('What payment methods do you accept?');
    expect(after).toContain('What payment methods do you accept?');

    // Asked again in another conversation, it leads alone.
    const again = await TestSocket.open(server.wsUrl());
    await again.hello();
    await again.ask('pay2', 'Which payment methods can I use?');
    again.close();
    server = await server.restart();
    expect((await introNow())!.suggestions[0]).toBe('What payment methods do you accept?');
  }, 120_000);

  it("the owner's avatar, reply time and questions from the admin API, at the next hello; [] shows none, null the FAQ again", async () => {
    const settings = { avatarUrl: 'https://juniper.example/logo.png', replyTime: 'hours', suggestions: ['Where is my order?', 'Do you ship to Canada?'] };
    const res = await api('PATCH', '/sites/demo', { settings });
    expect(res.status).toBe(200);
    expect(await introNow()).toEqual({ title: 'Juniper Peak', avatar: settings.avatarUrl, replyTime: 'hours', suggestions: settings.suggestions });

    expect((await api('PATCH', '/sites/demo', { settings: { suggestions: [] } })).status).toBe(200);
    expect((await introNow())!.suggestions).toEqual([]);

    expect((await api('PATCH', '/sites/demo', { settings: { suggestions: null, avatarUrl: null, replyTime: null } })).status).toBe(200);
    const back = (await introNow())!;
    expect(back).toEqual({ title: 'Juniper Peak', suggestions: expect.any(Array) });
    expect(back.suggestions).toHaveLength(4);
    for (const q of back.suggestions) expect(FAQ).toContain(q);

    const bad = await api('PATCH', '/sites/demo', { settings: { replyTime: 'weeks' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe('setting "replyTime" must be minutes, hour, hours or day');
  });
});
