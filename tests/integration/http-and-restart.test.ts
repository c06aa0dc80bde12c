import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.destroy();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

interface ChatJson {
  session: string;
  answer: { id: string; replyTo: string; text: string; citations: { n: number; title: string }[]; confidence: number; intent: string };
}

describe('HTTP twins of the socket (Node server)', () => {
  it('answers health and readiness', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({ db: 'ok', vectors: 'ok' });
  });

  it('POST /v1/chat returns the answer as JSON, and the same id is answered once', async () => {
    const res = await post({ site: 'demo', id: 'j1', text: 'How long do I have to return an item?' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ChatJson;
    expect(body.session).toMatch(/^s_/);
    expect(body.answer.replyTo).toBe('j1');
    expect(body.answer.citations.length).toBeGreaterThan(0);
    expect(body.answer.text).toMatch(/\[\d\]/);
    const again = (await (await post({ site: 'demo', session: body.session, id: 'j1', text: 'How long do I have to return an item?' })).json()) as ChatJson;
    expect(again.answer.id).toBe(body.answer.id);
    const history = (await (await fetch(`${server.url}/v1/sessions/${body.session}`)).json()) as { history: unknown[] };
    expect(history.history).toHaveLength(2);
  });

  it('POST /v1/chat streams server-sent events with Accept: text/event-stream', async () => {
    const res = await post({ site: 'demo', id: 's1', text: 'Do you ship internationally?' }, { accept: 'text/event-stream' });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const raw = await res.text();
    const events = [...raw.matchAll(/event: (\S+)\ndata: (.*)\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]) }));
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('answer.start');
    expect(names.at(-1)).toBe('answer.end');
    expect(names.filter((n) => n === 'answer.delta').length).toBeGreaterThan(1);
    expect(events.at(-1)!.data.citations.length).toBeGreaterThan(0);
    const text = events.filter((e) => e.event === 'answer.delta').map((e) => e.data.text).join('');
    const stored = (await (await fetch(`${server.url}/v1/sessions/${events[0].data.session}`)).json()) as { history: { role: string; text: string }[] };
    expect(stored.history.find((h) => h.role === 'assistant')?.text).toBe(text);
  });

  it('refuses bad requests with a clear error', async () => {
    expect((await post({ site: 'demo', id: 'e1' })).status).toBe(400);
    expect((await post({ site: 'demo', id: 'e2', text: '   ' })).status).toBe(400);
    expect((await post({ site: 'demo', id: 'e3', text: 'x'.repeat(10_000) })).status).toBe(413);
    const huge = await post({ site: 'demo', id: 'e3b', text: 'x'.repeat(17_000) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { message: string } }).error.message).toMatch(/request body/);
    expect((await post({ site: 'nope', id: 'e4', text: 'hi' })).status).toBe(404);
    expect((await post({ site: 'demo', id: 'e5', text: 'hi' }, { origin: 'https://evil.example' })).status).toBe(403);
    const notJson = await fetch(`${server.url}/v1/chat`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_message');
    expect((await fetch(`${server.url}/v1/sessions/s_missing`)).status).toBe(404);
  });

  it('serves the demo site', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });
});

describe('a restart keeps every conversation', () => {
  it('history and numbering survive a restart on the same data directory', async () => {
    const s = await TestSocket.open(server.wsUrl());
    const { session } = await s.hello();
    await s.ask('k1', 'Do you ship internationally?');
    const lastSeq = Math.max(...s.frames.flatMap((f) => ('seq' in f ? [f.seq] : [])));
    s.close();

    server = await server.restart();
    const history = (await (await fetch(`${server.url}/v1/sessions/${session}`)).json()) as { history: { role: string }[] };
    expect(history.history.map((h) => h.role)).toEqual(['user', 'assistant']);
    const b = await TestSocket.open(server.wsUrl());
    const ready = await b.hello({ session, after: lastSeq });
    expect(ready.session).toBe(session);
    const { start } = await b.ask('k2', 'and how much does it cost?');
    expect(start.seq).toBeGreaterThan(lastSeq);
    b.close();
  });
});
