/**
 * Abuse limits on the real Node server, each attack reproduced first: a flood of messages from
 * one address over many conversations, a site's bill, a hello flood making empty
 * conversations, a socket flood, idle sockets, admin-token guessing, a client that sends its
 * request slowly. Every server here runs with small limits of its own.
 */
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

// Each case starts its own server (a few seconds idle, many more on a busy machine): the
// timeouts below guard against hangs, the assertions measure what the limit promises.
const servers: TestServer[] = [];
async function server(env: Record<string, string>): Promise<TestServer> {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}
afterAll(async () => {
  for (const s of servers) await s.destroy();
});

const post = (s: TestServer, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${s.url.replace('localhost', '127.0.0.1')}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('message limits: per address, per site, per conversation (sliding, a minute)', () => {
  it('holds one address to its limit across many conversations, with retryAfter on the socket and Retry-After over HTTP', async () => {
    const s = await server({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '3' });
    const answered: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(s, { site: 'demo', id: `a${i}`, text: 'Do you ship internationally?' });
      expect(res.status).toBe(200);
      answered.push(((await res.json()) as { session: string }).session);
    }
    expect(new Set(answered).size).toBe(3); // three conversations, one address
    const refused = await post(s, { site: 'demo', id: 'a3', text: 'Do you ship internationally?' });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { code: string; retryAfter: number } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.retryAfter).toBeGreaterThan(0);
    expect(refused.headers.get('retry-after')).toBe(String(body.error.retryAfter));
    const sock = await TestSocket.open(s.wsUrl());
    await sock.hello();
    sock.send({ type: 'message', id: 'ws1', text: 'Do you ship internationally?' });
    const err = await sock.next('error');
    expect(err).toMatchObject({ code: 'rate_limited', ref: 'ws1' });
    expect(err.retryAfter).toBeGreaterThan(0);
    sock.close();
  });

  it('tells addresses apart behind a trusted proxy, and a forged X-Forwarded-For entry does not help', async () => {
    const s = await server({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1', TRUST_PROXY: '1' });
    const ask = (xff: string, id: string) => post(s, { site: 'demo', id, text: 'Do you ship internationally?' }, { 'x-forwarded-for': xff });
    expect((await ask('203.0.113.7', 'p1')).status).toBe(200);
    expect((await ask('203.0.113.8', 'p2')).status).toBe(200);
    expect((await ask('203.0.113.7', 'p3')).status).toBe(429);
    // The client wrote the first entry itself; the proxy appended the address it saw.
    expect((await ask('198.51.100.1, 203.0.113.7', 'p4')).status).toBe(429);
  });

  it("caps a site's messages from everyone, and leaves other sites alone", async () => {
    const s = await server({ RATE_LIMIT_PER_SITE_PER_MINUTE: '2', ADMIN_TOKEN: 'admin-token-0123456789' });
    expect((await post(s, { site: 'demo', id: 's1', text: 'Do you ship internationally?' })).status).toBe(200);
    expect((await post(s, { site: 'demo', id: 's2', text: 'Do you ship internationally?' })).status).toBe(200);
    expect((await post(s, { site: 'demo', id: 's3', text: 'Do you ship internationally?' })).status).toBe(429);
  });

  it('never counts a resend of a message already taken (a widget resending after each reconnect)', async () => {
    const s = await server({ RATE_LIMIT_PER_MINUTE: '2' });
    const a = await TestSocket.open(s.wsUrl());
    const { session } = await a.hello();
    await a.ask('r1', 'Do you ship internationally?');
    await a.ask('r2', 'How long do I have to return an item?');
    // Reconnects that resend r2, as under a proxy cutting sockets mid-answer.
    for (let i = 0; i < 5; i++) {
      const b = await TestSocket.open(s.wsUrl());
      await b.hello({ session });
      const from = b.frames.length;
      b.send({ type: 'message', id: 'r2', text: 'How long do I have to return an item?' });
      await new Promise((r) => setTimeout(r, 150));
      expect(b.frames.slice(from).some((f) => f.type === 'error')).toBe(false);
      b.close();
    }
    a.send({ type: 'message', id: 'r3', text: 'Do you sell gift cards?' });
    expect(await a.next('error', (f) => f.ref === 'r3')).toMatchObject({ code: 'rate_limited' });
    a.close();
  });
});

describe('conversations and sockets per address', () => {
  it('stops a hello flood at the new-conversation limit: refused with retryAfter, then closed with 1013', async () => {
    const s = await server({ NEW_CONVERSATIONS_PER_ADDRESS_PER_HOUR: '3' });
    const flood = await TestSocket.open(s.wsUrl());
    for (let i = 0; i < 200; i++) flood.send({ type: 'hello', v: 1 });
    const err = await flood.next('error');
    expect(err).toMatchObject({ code: 'rate_limited' });
    expect(err.retryAfter).toBeGreaterThan(0);
    await expect(flood.next('pong', () => true, 5000)).rejects.toThrow(/closed \(1013\)/);
    expect(flood.frames.filter((f) => f.type === 'ready')).toHaveLength(3);
    // The address is done for the hour; resuming a conversation it has is still fine.
    const again = await TestSocket.open(s.wsUrl());
    again.send({ type: 'hello', v: 1 });
    expect((await again.next('error')).code).toBe('rate_limited');
    const first = flood.frames.find((f) => f.type === 'ready');
    if (first?.type !== 'ready') throw new Error('no ready');
    const back = await TestSocket.open(s.wsUrl());
    expect((await back.hello({ session: first.session, resume: first.resume })).session).toBe(first.session);
    back.close();
    const http = await post(s, { site: 'demo', id: 'h1', text: 'hi' });
    expect(http.status).toBe(429);
  });

  it('holds one address to SOCKETS_PER_ADDRESS open sockets; closing one frees a place', async () => {
    const s = await server({ SOCKETS_PER_ADDRESS: '3' });
    const open = await Promise.all([0, 1, 2].map(() => TestSocket.open(s.wsUrl())));
    const extra = await TestSocket.open(s.wsUrl());
    expect(await extra.next('error')).toMatchObject({ code: 'rate_limited' });
    await expect(extra.next('pong', () => true, 5000)).rejects.toThrow(/closed \(1013\)/);
    open[0].close();
    await new Promise((r) => setTimeout(r, 200));
    const next = await TestSocket.open(s.wsUrl());
    expect((await next.hello()).session).toMatch(/^s_/);
    for (const o of [...open.slice(1), next]) o.close();
  });

  it('closes a socket that sends nothing for SOCKET_IDLE_SECONDS, and keeps one that pings', async () => {
    const s = await server({ SOCKET_IDLE_SECONDS: '10' });
    const quiet = await TestSocket.open(s.wsUrl());
    const alive = await TestSocket.open(s.wsUrl());
    const ping = setInterval(() => alive.send({ type: 'ping' }), 3000);
    try {
      const started = Date.now();
      await expect(quiet.next('pong', () => true, 25_000)).rejects.toThrow(/closed \(1001\)/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
      expect(alive.closed).toBeNull();
    } finally {
      clearInterval(ping);
      alive.close();
    }
  }, 90_000);
});

describe('slow clients and admin-token guessing', () => {
  it('closes a connection whose request headers never finish (slowloris) within seconds', async () => {
    const s = await server({});
    const sock = connect(s.port, '127.0.0.1');
    const started = Date.now();
    sock.write('GET /v1/health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => sock.write('X-a: b\r\n'), 1000);
    await new Promise<void>((done) => sock.on('close', () => done()).on('error', () => {}));
    clearInterval(drip);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 90_000);

  it('locks an address out after 10 wrong admin tokens, even for the right one, until the window passes', async () => {
    const token = 'admin-token-0123456789';
    const s = await server({ ADMIN_TOKEN: token });
    const stats = (t: string) => fetch(`http://127.0.0.1:${s.port}/v1/admin/stats`, { headers: { authorization: `Bearer ${t}` } });
    expect((await stats(token)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await stats(`wrong-${i}`)).status).toBe(401);
    const locked = await stats('wrong-10');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await stats(token)).status).toBe(429);
  });
});
