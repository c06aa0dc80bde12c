/**
 * The Worker in workerd (`wrangler dev`, started once for this file) with real servers on
 * loopback: Postgres wire protocol from PGlite + pgvector reached by the Neon driver through a
 * WebSocket-to-TCP proxy, Upstash's REST protocol over a real redis-server, and a Sentry
 * receiver. The shared conversation suite runs here unchanged; then what only a Worker has.
 *
 * Hibernation, observed for real: workerd evicts a Durable Object that has handled no event
 * for ~10 s while its hibernatable sockets stay open, and the next event constructs it anew
 * (the object logs "conversation object started" with its session each time it is built).
 * The first test opens two tabs on one conversation and goes quiet; the shared suite runs on
 * other conversations meanwhile; the last test waits out the rest of the idle time, then
 * talks on the same sockets and checks the object was rebuilt and the conversation kept.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker';
import { inCi } from '../../scripts/local/free-port';
import { startSentryReceiver, type SentryReceiver } from '../servers/sentry-receiver';
import { TestSocket } from '../helpers/ws-client';
import { conversationSuite } from './conversation-suite';
import { seqs, socketUrl } from './target';
import { pendingSuite } from './pending-suite';
import { mintSiteToken } from '../../edge/core/sites/keys';
import bcrypt from 'bcryptjs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../edge/notify';
import { fuzzSuite } from './fuzz-suite';
import { NO_LIMITS } from '../helpers/limits';

/** Idle time after which workerd has hibernated an object: its ~10 s, plus Postgres' 2 s linger, plus margin. */
const HIBERNATE_AFTER_MS = 14_000;

async function start(): Promise<{ worker: LocalWorker; sentry: SentryReceiver } | { skip: string }> {
  const sentry = await startSentryReceiver();
  const vars = { ...NO_LIMITS, SENTRY_DSN: sentry.dsn };
  try {
    return { worker: await startLocalWorker({ upstash: true, vars }), sentry };
  } catch (err) {
    await sentry.stop();
    // Under CI a runtime or server that cannot start fails the run; elsewhere it says why.
    if (inCi()) throw err;
    return { skip: String(err) };
  }
}

const started = await start();
const worker = 'worker' in started ? started.worker : null;
const sentry = 'sentry' in started ? started.sentry : null;
if (!worker) console.warn(`skipping the workerd suite: ${'skip' in started ? started.skip : ''}`);
afterAll(async () => {
  await worker?.stop();
  await sentry?.stop();
});

const target = () => worker!;
const startedLines = (session: string) => worker!.wrangler.lines.filter((l) => l.includes('conversation object started') && l.includes(`session=${session} `)).length;

describe.skipIf(!worker)('the Worker in workerd', () => {
  const quiet = { session: '', lastSeq: 0, firstAnswerSeq: 0, since: 0, a: null as TestSocket | null, b: null as TestSocket | null };

  it('two sockets on one conversation both receive the answer (then the object goes quiet)', async () => {
    const a = await TestSocket.open(socketUrl(target()));
    const { session } = await a.hello();
    const b = await TestSocket.open(socketUrl(target(), { session }));
    expect((await b.hello({ session })).session).toBe(session);
    const { start, end } = await a.ask('hib1', 'How long do I have to return an item?');
    const onB = await b.next('answer.end', (f) => f.id === end.id);
    expect(onB).toEqual(end);
    const deltaSeqs = (s: TestSocket) => s.frames.flatMap((f) => (f.type === 'answer.delta' && f.id === start.id ? [f.seq] : []));
    expect(deltaSeqs(b)).toEqual(deltaSeqs(a));
    expect(startedLines(session)).toBe(1);
    Object.assign(quiet, { session, a, b, lastSeq: Math.max(...seqs(a)), firstAnswerSeq: start.seq, since: Date.now() });
  });

  conversationSuite('Worker in workerd: Neon driver → Postgres wire, Upstash → redis', target);
  pendingSuite('Worker in workerd', target);
  fuzzSuite('Worker in workerd', target, { runs: 80 });

  it('routes a session of another site to a new conversation, never to that one', async () => {
    await worker!.postgres.pg.query(`INSERT INTO sites (id, name, allowed_origins) VALUES ('other', 'Other shop', '["*"]') ON CONFLICT DO NOTHING`);
    const theirs = await TestSocket.open(socketUrl(target(), { site: 'other' }));
    const { session } = await theirs.hello();
    // Stored (a message written): the router finds it in the database, on the other site.
    await theirs.ask('o0', 'hello');
    theirs.close();
    const s = await TestSocket.open(socketUrl(target(), { session }));
    const ready = await s.hello({ session });
    expect(ready.session).not.toBe(session);
    expect(ready.history).toEqual([]);
    s.close();
  });

  it('holds a site that requires its key to it: public key for pages, secret key or token without Origin, nothing of another site', async () => {
    await worker!.postgres.pg.query(
      `INSERT INTO sites (id, name, allowed_origins, public_key, secret_key, settings) VALUES ('locked', 'Locked', '["https://locked.example"]', 'pk_locked_wd', 'sk_locked_wd', '{"requireKey": true}') ON CONFLICT DO NOTHING`,
    );
    const locked = (key?: string) => `${socketUrl(target(), { site: 'locked' })}${key ? `&key=${key}` : ''}`;
    const refusedWith = async (url: string, headers: Record<string, string>) => {
      const s = await TestSocket.open(url, headers);
      return (await s.next('error')).code;
    };
    expect(await refusedWith(locked(), { origin: 'https://locked.example' })).toBe('unauthorized');
    expect(await refusedWith(locked('pk_of_another_site'), { origin: 'https://locked.example' })).toBe('unauthorized');
    expect(await refusedWith(locked(), {})).toBe('unauthorized');
    expect(await refusedWith(locked(), { authorization: 'Bearer sk_another_sites' })).toBe('unauthorized');
    const page = await TestSocket.open(locked('pk_locked_wd'), { origin: 'https://locked.example' });
    expect((await page.hello()).session).toMatch(/^s_/);
    page.close();
    const token = await mintSiteToken('locked', 'sk_locked_wd', 60);
    const res = await fetch(`${worker!.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ site: 'locked', id: 'k1', text: 'hello' }),
    });
    expect(res.status).toBe(200);
    const without = await fetch(`${worker!.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'locked', id: 'k2', text: 'hello' }) });
    expect(without.status).toBe(401);
  });

  it('signs an agent in (bcrypt and the session cookie in workerd), and refuses a wrong password', async () => {
    const hash = await bcrypt.hash('workerd agent password', 10);
    await worker!.postgres.pg.query(`INSERT INTO agents (id, site_id, email, name, password_hash) VALUES ('ag_wd', 'demo', 'wd@juniper.example', 'Wren', $1) ON CONFLICT DO NOTHING`, [hash]);
    const signIn = (password: string) =>
      fetch(`${worker!.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'wd@juniper.example', password }) });
    expect((await signIn('not it')).status).toBe(401);
    const ok = await signIn('workerd agent password');
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    const me = await fetch(`${worker!.url}/agent/me`, { headers: { cookie: cookie.split(';')[0] } });
    expect((await me.json()).agent).toMatchObject({ name: 'Wren', site: 'demo' });
  });

  it('lets an agent take a conversation over: queue, the socket in the Durable Object, reply, silence, close', async () => {
    const hash = await bcrypt.hash('workerd inbox password', 10);
    await worker!.postgres.pg.query(`INSERT INTO agents (id, site_id, email, name, password_hash) VALUES ('ag_wd2', 'demo', 'ivy@juniper.example', 'Ivy', $1) ON CONFLICT DO NOTHING`, [hash]);
    const login = await fetch(`${worker!.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ivy@juniper.example', password: 'workerd inbox password' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const api = (path: string, body?: unknown) =>
      fetch(`${worker!.url}/agent/api${path}`, body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // The site's webhook: the Durable Object sends it beside the conversation (ctx.waitUntil).
    const hooks: { type: string; valid: boolean }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', async () => {
        hooks.push({ type: JSON.parse(body).event.type, valid: await verifyWebhook('whsec_workerd_test', req.headers['x-support-chat-signature'] as string, body) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await worker!.postgres.pg.query(`UPDATE sites SET settings = settings || jsonb_build_object('webhookUrl', $1::text), webhook_secret = 'whsec_workerd_test' WHERE id = 'demo'`, [hook]);

    const visitor = await TestSocket.open(socketUrl(target()));
    const { session } = await visitor.hello();
    await visitor.ask('wq1', 'Do you ship internationally?');
    visitor.send({ type: 'handoff', reason: 'a person please' });
    const opened = await visitor.next('handoff');
    expect(opened.status).toBe('open');
    expect(opened.number).toBeGreaterThanOrEqual(1001);

    await expect.poll(() => hooks.map((h) => h.type), { timeout: 10_000 }).toContain('ticket.opened');
    expect(hooks.every((h) => h.valid)).toBe(true);
    await worker!.postgres.pg.query(`UPDATE sites SET settings = settings - 'webhookUrl' WHERE id = 'demo'`);
    receiver.close();
    const queue = await (await api('/tickets')).json();
    const ticket = queue.items.find((t: { conversationId: string }) => t.conversationId === session);
    expect(ticket).toMatchObject({ number: opened.number, firstQuestion: 'Do you ship internationally?' });

    // The agent's socket is held by the conversation's object: it hears the visitor at once.
    const watch = await TestSocket.open(`${worker!.url.replace('http', 'ws')}/agent/ws?ticket=${ticket.id}`, { cookie });
    expect(await watch.next('watching' as never)).toMatchObject({ session });
    const from = visitor.frames.length;
    visitor.send({ type: 'message', id: 'wq2', text: 'Is anyone there?' });
    expect(await watch.next('ack', (f) => f.id === 'wq2')).toMatchObject({ text: 'Is anyone there?' });
    watch.send({ type: 'typing', active: true });
    expect(await visitor.next('typing', (f) => f.who === 'agent', 10_000, from)).toMatchObject({ name: 'Ivy' });

    const reply = await api(`/tickets/${ticket.id}/reply`, { text: 'Ivy here: yes, to 40 countries.' });
    expect(reply.status).toBe(200);
    expect(await visitor.next('agent.message', () => true, 10_000, from)).toMatchObject({ text: 'Ivy here: yes, to 40 countries.', agent: { name: 'Ivy' } });
    await watch.next('agent.message');
    expect(visitor.frames.slice(from).some((f) => f.type === 'answer.start')).toBe(false);

    expect((await api(`/tickets/${ticket.id}/close`, {})).status).toBe(200);
    await visitor.next('handoff', (f) => f.status === 'closed', 10_000, from);
    const late = await api(`/tickets/${ticket.id}/reply`, { text: 'late' });
    expect((await late.json()).error.code).toBe('ticket_closed');
    const { start } = await visitor.ask('wq3', 'How long do refunds take?');
    expect(start.replyTo).toBe('wq3');

    const reloaded = await TestSocket.open(socketUrl(target(), { session }));
    const ready = await reloaded.hello({ session });
    expect(ready.history.filter((e) => e.role === 'agent')).toEqual([expect.objectContaining({ agent: { name: 'Ivy' } })]);
    for (const s of [visitor, watch, reloaded]) s.close();

    // The inbox app itself: its page from the Worker, its bundle from the assets, both under the pages' CSP.
    const page = await fetch(`${worker!.url}/agent`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<support-inbox>');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const bundle = await fetch(`${worker!.url}/agent/inbox.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(10_000);
    // And the admin page's, the same way.
    const admin = await fetch(`${worker!.url}/admin`);
    expect(await admin.text()).toContain('<support-admin>');
    const adminBundle = await fetch(`${worker!.url}/admin/admin.js`);
    expect(adminBundle.status).toBe(200);
    expect(await adminBundle.text()).toContain('support-admin');
  }, 60_000);

  it("lets the Worker's own pages use any site, and still refuses other origins", async () => {
    await worker!.postgres.pg.query(`INSERT INTO sites (id, name, allowed_origins) VALUES ('closed', 'No origins yet', '[]') ON CONFLICT DO NOTHING`);
    const own = await TestSocket.open(socketUrl(target(), { site: 'closed' }), { origin: worker!.url });
    expect((await own.hello()).session).toMatch(/^s_/);
    own.close();
    const res = await fetch(`${worker!.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: worker!.url },
      body: JSON.stringify({ site: 'closed', id: 'o1', text: 'hello' }),
    });
    expect(res.status).toBe(200);
    const other = await TestSocket.open(socketUrl(target(), { site: 'closed' }), { origin: 'http://localhost:1' });
    expect((await other.next('error')).code).toBe('forbidden_origin');
  });

  it('keeps sessions, the answer cache and rate limits in Upstash (redis behind the REST bridge)', async () => {
    const paths = new Set(worker!.upstash!.requests.map((r) => r.path));
    expect(worker!.upstash!.requests.length).toBeGreaterThan(10);
    expect([...paths].some((p) => p === '/' || p === '/multi-exec' || p === '/pipeline')).toBe(true);
    expect(worker!.wrangler.lines.some((l) => /sessions, answer cache and rate limits: Upstash at 127\.0\.0\.1/.test(l))).toBe(true);
  });

  it('reports a failed request to Sentry with its stage, and nothing the visitor sent', async () => {
    const before = sentry!.envelopes.length;
    // A NUL byte cannot be stored in Postgres text: the query fails, for real, inside the Worker.
    const secret = 'Zq9secretSession';
    const res = await fetch(`${worker!.url}/v1/sessions/${secret}%00?email=someone%40example.com`);
    expect(res.status).toBe(500);
    const [envelope] = (await sentry!.waitFor(before + 1, 10_000)).slice(before);
    const event = envelope.items.find((i) => i.header.type === 'event')?.payload as { tags?: Record<string, string>; request?: { url?: string } };
    expect(event.tags?.stage).toBe('worker.http');
    expect(event.request?.url).toMatch(/\/v1\/sessions\/:id$/);
    expect(envelope.raw).not.toContain(secret);
    expect(envelope.raw).not.toContain('someone');
  });

  it('a Durable Object that hibernated and woke keeps the conversation and both sockets', async () => {
    const { a, b, session } = quiet;
    expect(a && b).toBeTruthy();
    const left = HIBERNATE_AFTER_MS - (Date.now() - quiet.since);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    expect(a!.closed).toBeNull();
    expect(b!.closed).toBeNull();

    // No hello again: the socket's attachment still says which conversation it is in.
    const { start, end } = await a!.ask('hib2', 'Do you ship internationally?');
    expect(startedLines(session)).toBe(2); // built anew: it had left memory
    expect(start.seq).toBe(quiet.lastSeq + 2); // ack, then the answer: numbering continued from storage
    expect(await b!.next('answer.end', (f) => f.id === end.id)).toEqual(end);

    // A third tab resumes from before the hibernation: replayed from the object's own storage.
    const c = await TestSocket.open(socketUrl(target(), { session }));
    const ready = await c.hello({ session, after: quiet.firstAnswerSeq });
    expect(ready.resumed).toBe(true);
    await c.next('answer.end', (f) => f.id === end.id);
    const replayed = seqs(c);
    expect(replayed[0]).toBe(quiet.firstAnswerSeq + 1);
    expect(replayed).toEqual(replayed.map((_, i) => quiet.firstAnswerSeq + 1 + i));
    for (const s of [a!, b!, c]) s.close();
  }, HIBERNATE_AFTER_MS + 20_000);

  it('logged no uncaught error', () => {
    // wrangler dev logs "Network connection lost" whenever a Worker closes a socket itself and
    // the client hangs up (the refused sockets above); a bare 10-line Worker does the same.
    const known = /Uncaught Error: Network connection lost/;
    expect(worker!.wrangler.lines.filter((l) => /Uncaught|✘ \[ERROR\]/.test(l) && !known.test(l))).toEqual([]);
  });
});
