/**
 * A person takes a conversation over, on the real Node server: the visitor asks for a person,
 * an agent signs in, sees the ticket in the queue (numbered per site), watches it live over the
 * agent socket, replies (the visitor sees it with the agent's name, the assistant stays silent),
 * typing goes both ways, and closing hands the conversation back to the assistant. Bad input:
 * another site's agent, a reply to a closed ticket, a ticket someone else holds, an expired
 * session, an empty reply. Each is refused with a clear error and changes nothing.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@support-chat/protocol';
import type { Page, TicketDetail, TicketSummary } from '@support-chat/protocol/inbox';
import { verifyWebhook } from '../../edge/notify';
import { hashSecret, newSecret } from '../../edge/core/secrets';
import { ADMIN_TOKEN_PREFIX } from '../../edge/http/admin-auth';
import { openPglite } from '../../edge/stores/db/pglite';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const ADMIN = 'admin-token-0123456789';
let server: TestServer;
const tokens = { read: '', agent: '' };
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-'));
  // Two more sites and two scoped tokens, written straight to the database the server opens next
  // (the commands that make them are tested on their own; four processes here cost 20 s).
  const { db } = await openPglite(join(dir, 'db'));
  for (const id of ['other', 'quiet']) await db.sites.upsert({ id, name: id === 'quiet' ? 'Quiet Co' : 'Other', allowedOrigins: ['*'], settings: { requireKey: false } });
  for (const scope of ['read', 'agent'] as const) {
    tokens[scope] = `${ADMIN_TOKEN_PREFIX}${scope}tokenxxxxx_${newSecret()}`;
    await db.adminTokens.create({ id: `${scope}tokenxxxxx`, hash: await hashSecret(tokens[scope]), name: `${scope} bot`, scopes: [scope] });
  }
  await db.close();
  server = await startTestServer({ ADMIN_TOKEN: ADMIN, TRUST_PROXY: '1' }, dir);
  for (const [site, email, name] of [
    ['demo', 'alex@juniper.example', 'Alex'],
    ['demo', 'rio@juniper.example', 'Rio'],
    ['other', 'oz@elsewhere.example', 'Oz'],
  ]) {
    const res = await fetch(url('/v1/admin/agents'), { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ site, email, name, password: `${name} long password` }) });
    expect(res.status).toBe(201);
  }
}, 90_000);
afterAll(async () => {
  await server?.destroy();
});

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
async function signIn(email: string, name: string): Promise<string> {
  const res = await fetch(url('/agent/login'), { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${name.length}` }, body: JSON.stringify({ email, password: `${name} long password` }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
const api = (cookie: string, path: string, body?: unknown) =>
  fetch(url(`/agent/api${path}`), body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const frames = (s: TestSocket, from: number) => s.frames.slice(from);

async function visitorWithTicket(question: string) {
  const visitor = await TestSocket.open(server.wsUrl());
  const ready = await visitor.hello();
  visitor.send({ type: 'message', id: 'q1', text: question });
  await visitor.next('answer.end');
  visitor.send({ type: 'handoff', reason: 'I would like to talk to a person' });
  const handoff = await visitor.next('handoff');
  return { visitor, session: ready.session, handoff };
}

describe('an agent takes a conversation over (Node server)', () => {
  it('queue, live watch, reply with the name, silence of the assistant, typing both ways, close hands back', async () => {
    const alex = await signIn('alex@juniper.example', 'Alex');
    const { visitor, session, handoff } = await visitorWithTicket('Do you ship internationally?');
    // Numbered per site from #1001; nobody had the inbox open before Alex signed in… but Alex did: online.
    expect(handoff).toMatchObject({ status: 'open', number: 1001 });
    expect(handoff.agent).toBeUndefined();
    expect(handoff.offline).toBeUndefined();

    const queue = (await (await api(alex, '/tickets')).json()) as Page<TicketSummary>;
    const mine = queue.items.find((t) => t.conversationId === session)!;
    expect(mine).toMatchObject({ number: 1001, status: 'open', assignee: null, firstQuestion: 'Do you ship internationally?' });
    expect(mine.lastAnswer).toBeTruthy();

    const detail = (await (await api(alex, `/tickets/${mine.id}`)).json()) as TicketDetail;
    expect(detail.transcript.map((e) => e.role)).toEqual(['user', 'assistant', 'ticket']);

    // The agent watches live: the visitor's next message arrives with its text; no answer follows.
    const watch = await TestSocket.open(`ws://127.0.0.1:${server.port}/agent/ws?ticket=${mine.id}`, { cookie: alex });
    const watching = (await watch.next('watching' as ServerFrame['type'])) as unknown as { seq: number; session: string };
    expect(watching.session).toBe(session);
    const before = visitor.frames.length;
    visitor.send({ type: 'typing', active: true });
    expect(await watch.next('typing')).toMatchObject({ who: 'visitor', active: true });
    visitor.send({ type: 'message', id: 'q2', text: 'Hello? Anyone there?' });
    expect(await watch.next('ack', (f) => f.id === 'q2')).toMatchObject({ text: 'Hello? Anyone there?' });

    // Alex types, then replies: the visitor sees both, and "Alex joined" first.
    watch.send({ type: 'typing', active: true });
    expect(await visitor.next('typing', (f) => f.who === 'agent', 10_000, before)).toMatchObject({ name: 'Alex', active: true });
    const reply = await api(alex, `/tickets/${mine.id}/reply`, { text: 'Hi, Alex here. Yes, we ship to 40 countries.' });
    expect(reply.status).toBe(200);
    const joined = await visitor.next('handoff', (f) => f.agent?.name === 'Alex', 10_000, before);
    // "Alex from Juniper Peak joined": the person and the site they answer for.
    expect(joined).toMatchObject({ status: 'open', number: 1001, agent: { name: 'Alex', team: 'Juniper Peak' } });
    const said = await visitor.next('agent.message', () => true, 10_000, before);
    expect(said).toMatchObject({ text: 'Hi, Alex here. Yes, we ship to 40 countries.', agent: { name: 'Alex' } });
    expect(joined.seq).toBeLessThan(said.seq);
    await watch.next('agent.message');
    // The assistant said nothing to q2.
    await new Promise((r) => setTimeout(r, 300));
    expect(frames(visitor, before).filter((f) => f.type === 'answer.start')).toEqual([]);

    // A suggested reply from the sources, for Alex to edit: it answers the question (not the
    // request for a person), and reaches nobody else.
    const framesBefore = visitor.frames.length;
    const suggested = await api(alex, `/tickets/${mine.id}/suggest`, {});
    expect(suggested.status).toBe(200);
    const suggestion = await suggested.json();
    expect(suggestion.suggestion).toBe(true);
    expect(suggestion.text).toMatch(/ship/i);
    expect(suggestion.citations.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(visitor.frames.length).toBe(framesBefore);

    // A reload shows everything once, the agent's message with the name.
    const again = await TestSocket.open(server.wsUrl());
    const reloaded = await again.hello({ session });
    const roles = reloaded.history.map((e) => e.role);
    expect(roles).toEqual(['user', 'assistant', 'ticket', 'user', 'agent']);
    expect(reloaded.history.at(-1)).toMatchObject({ role: 'agent', id: said.id, agent: { name: 'Alex' } });
    expect(reloaded.history.find((e) => e.role === 'ticket')).toMatchObject({ number: 1001, status: 'open', agent: { name: 'Alex' } });
    again.ws.close();

    // Rio sees it taken; a reply from Rio is refused, and so is a plain assign, unless forced.
    const rio = await signIn('rio@juniper.example', 'Rio');
    const seen = ((await (await api(rio, '/tickets')).json()) as Page<TicketSummary>).items.find((t) => t.id === mine.id)!;
    expect(seen.assignee).toMatchObject({ name: 'Alex' });
    const taken = await api(rio, `/tickets/${mine.id}/reply`, { text: 'Rio here' });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: { code: 'ticket_taken', assignee: { name: 'Alex' } } });
    expect((await api(rio, `/tickets/${mine.id}/assign`, {})).status).toBe(409);

    // Alex closes: the widget hears it, and the assistant answers the next question again.
    const closed = await api(alex, `/tickets/${mine.id}/close`, {});
    expect(closed.status).toBe(200);
    expect(await visitor.next('handoff', (f) => f.status === 'closed', 10_000, before)).toMatchObject({ number: 1001, agent: { name: 'Alex' } });
    const afterClose = visitor.frames.length;
    visitor.send({ type: 'message', id: 'q3', text: 'How long do refunds take?' });
    expect(await visitor.next('answer.start', (f) => f.replyTo === 'q3', 20_000, afterClose)).toBeTruthy();
    await visitor.next('answer.end', () => true, 20_000, afterClose);

    // A reply to the closed ticket is refused and adds nothing.
    const late = await api(alex, `/tickets/${mine.id}/reply`, { text: 'one more thing' });
    expect(late.status).toBe(409);
    expect((await late.json()).error.code).toBe('ticket_closed');
    const final = (await (await api(alex, `/tickets/${mine.id}`)).json()) as TicketDetail;
    expect(final.transcript.filter((e) => e.role === 'agent')).toHaveLength(1);
    expect(final.ticket.status).toBe('closed');
    const closedList = (await (await api(alex, '/tickets?status=closed')).json()) as Page<TicketSummary>;
    expect(closedList.items.map((t) => t.id)).toContain(mine.id);

    watch.ws.close();
    visitor.ws.close();
  }, 90_000);

  it('the next ticket of the site gets the next number; another site counts on its own', async () => {
    const { visitor, handoff } = await visitorWithTicket('Where is my parcel?');
    expect(handoff.number).toBe(1002);
    visitor.ws.close();
    const other = await TestSocket.open(server.wsUrl('other'));
    await other.hello();
    other.send({ type: 'handoff' });
    expect((await other.next('handoff')).number).toBe(1001);
    other.ws.close();
  }, 60_000);

  it('refuses what it must: another site\'s agent, no session, an empty reply, a bad cursor', async () => {
    const alex = await signIn('alex@juniper.example', 'Alex');
    const oz = await signIn('oz@elsewhere.example', 'Oz');
    const { visitor, handoff } = await visitorWithTicket('Can I change my order?');
    const id = handoff.ticket;
    expect((await api(oz, `/tickets/${id}`)).status).toBe(404);
    expect((await api(oz, `/tickets/${id}/reply`, { text: 'hi' })).status).toBe(404);
    expect(((await (await api(oz, '/tickets')).json()) as Page<TicketSummary>).items.map((t) => t.id)).not.toContain(id);
    expect((await fetch(url(`/agent/api/tickets/${id}`))).status).toBe(401);
    const empty = await api(alex, `/tickets/${id}/reply`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.message).toMatch(/empty/);
    expect((await api(alex, '/tickets?cursor=nonsense')).status).toBe(400);
    // A write from another site's page is refused before it is read.
    const csrf = await fetch(url(`/agent/api/tickets/${id}/reply`), { method: 'POST', headers: { cookie: alex, 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ text: 'x' }) });
    expect(csrf.status).toBe(403);
    // Nothing of that reached the ticket: still waiting, nobody holds it.
    const still = (await (await api(alex, `/tickets/${id}`)).json()) as TicketDetail;
    expect(still.ticket).toMatchObject({ status: 'open', assignee: null });
    expect(still.transcript.filter((e) => e.role === 'agent')).toEqual([]);
    // The agent socket refuses another site's agent and a foreign page.
    const foreign = await TestSocket.open(`ws://127.0.0.1:${server.port}/agent/ws?ticket=${id}`, { cookie: oz });
    await foreign.next('error');
    expect(foreign.frames[0]).toMatchObject({ code: 'not_found' });
    visitor.ws.close();
  }, 60_000);

  it('with nobody online the widget is told and takes an email; the site hears of it all through its signed webhook', async () => {
    // The site's webhook: a real HTTP receiver here, checking each signature with the secret given once.
    const received: { event: Record<string, unknown>; text: string; valid: boolean }[] = [];
    let secret = '';
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', async () => {
        const valid = await verifyWebhook(secret, req.headers['x-support-chat-signature'] as string, body);
        const parsed = JSON.parse(body) as { text: string; event: Record<string, unknown> };
        received.push({ event: parsed.event, text: parsed.text, valid });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const set = await fetch(url('/v1/admin/sites/quiet'), { method: 'PATCH', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ settings: { webhookUrl: hook } }) });
    expect(set.status).toBe(200);
    secret = (await set.json()).webhookSecret;
    expect(secret).toBeTruthy();
    const events = async (type: string) => {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const found = received.filter((r) => r.event.type === type);
        if (found.length > 0) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no "${type}" webhook; got ${received.map((r) => r.event.type).join(', ')}`);
    };

    const visitor = await TestSocket.open(server.wsUrl('quiet'));
    await visitor.hello();
    visitor.send({ type: 'contact', email: 'visitor@example.com' });
    expect((await visitor.next('error')).message).toMatch(/no ticket/);
    // An answer rated down is news for the site.
    const { end } = await visitor.ask('q1', 'Do you ship internationally?');
    visitor.send({ type: 'feedback', answer: end.id, rating: 'down', comment: 'not what I asked' });
    const [low] = await events('answer.low_rating');
    expect(low.event).toMatchObject({ answerId: end.id, question: 'Do you ship internationally?', comment: 'not what I asked' });

    visitor.send({ type: 'handoff' });
    const waiting = await visitor.next('handoff');
    expect(waiting).toMatchObject({ status: 'open', offline: true });
    const [opened] = await events('ticket.opened');
    expect(opened.event).toMatchObject({ ticket: { id: waiting.ticket, number: waiting.number }, text: 'Do you ship internationally?' });
    expect(opened.text).toMatch(new RegExp(`#${waiting.number}`));
    visitor.send({ type: 'message', id: 'q2', text: 'Please hurry, it is a gift.' });
    const [more] = await events('ticket.visitor_reply');
    expect(more.event).toMatchObject({ text: 'Please hurry, it is a gift.' });

    visitor.send({ type: 'contact', email: 'not an email' });
    expect((await visitor.next('error', (f) => f.message.includes('email'))).code).toBe('invalid_message');
    visitor.send({ type: 'contact', email: ' Visitor@Example.com ' });
    const left = await visitor.next('handoff', (f) => f.contact === true);
    // Only that one was left: the address itself never goes back over the wire.
    expect(JSON.stringify(left)).not.toMatch(/example\.com/i);
    expect(left.offline).toBeUndefined();
    const made = await fetch(url('/v1/admin/agents'), { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ site: 'quiet', email: 'una@quiet.example', name: 'Una', password: 'Una long password' }) });
    expect(made.status).toBe(201);
    const una = await signIn('una@quiet.example', 'Una');
    const detail = (await (await api(una, `/tickets/${waiting.ticket}`)).json()) as TicketDetail;
    expect(detail.ticket.contactEmail).toBe('Visitor@Example.com');
    // Una's reply goes to the widget, and to the site for mailing, with the address left.
    expect((await api(una, `/tickets/${waiting.ticket}/reply`, { text: 'Una here: it ships tomorrow.' })).status).toBe(200);
    const [mail] = await events('ticket.offline_reply');
    expect(mail.event).toMatchObject({ contact: { email: 'Visitor@Example.com' }, text: 'Una here: it ships tomorrow.', agent: { name: 'Una' } });
    expect(received.every((r) => r.valid)).toBe(true);
    // Each event once: no visitor_reply for messages after Una took the ticket, no second opening.
    expect(received.map((r) => r.event.type).sort()).toEqual(['answer.low_rating', 'ticket.offline_reply', 'ticket.opened', 'ticket.visitor_reply']);
    visitor.ws.close();
    receiver.close();
  }, 60_000);

  it('the admin API lists, answers as a named agent and closes tickets; each scope only does its part', async () => {
    const { visitor, handoff } = await visitorWithTicket('Do you sell gift cards?');
    const admin = (token: string, path: string, body?: unknown) =>
      fetch(url(`/v1/admin${path}`), body === undefined ? { headers: { authorization: `Bearer ${token}` } } : { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const list = (await (await admin(tokens.read, '/tickets?site=demo&limit=1')).json()) as Page<TicketSummary>;
    expect(list.items).toHaveLength(1);
    // Pages by cursor: every live ticket of the site once, in queue order.
    const seen: string[] = [...list.items.map((t) => t.id)];
    for (let next = list.next; next; ) {
      const page = (await (await admin(tokens.read, `/tickets?site=demo&limit=1&cursor=${next}`)).json()) as Page<TicketSummary>;
      seen.push(...page.items.map((t) => t.id));
      next = page.next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(handoff.ticket);
    expect((await admin(tokens.read, `/tickets/${handoff.ticket}`)).status).toBe(200);

    const idOf = async (email: string, name: string) =>
      ((await (await fetch(url('/agent/login'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: `${name} long password` }) })).json()) as { agent: { id: string } }).agent;
    const agents = await idOf('rio@juniper.example', 'Rio');
    const oz = await idOf('oz@elsewhere.example', 'Oz');
    // A read token cannot answer; an agent token must name an agent of the ticket's site.
    expect((await admin(tokens.read, `/tickets/${handoff.ticket}/reply`, { agent: agents!.id, text: 'hi' })).status).toBe(403);
    const noAgent = await admin(tokens.agent, `/tickets/${handoff.ticket}/reply`, { text: 'hi' });
    expect(noAgent.status).toBe(400);
    expect((await noAgent.json()).error.message).toMatch(/agent/);
    expect((await admin(tokens.agent, `/tickets/${handoff.ticket}/reply`, { agent: oz!.id, text: 'hi' })).status).toBe(404);
    const from = visitor.frames.length;
    const replied = await admin(tokens.agent, `/tickets/${handoff.ticket}/reply`, { agent: agents!.id, text: 'Rio here: yes, from 10 to 200 euros.' });
    expect(replied.status).toBe(200);
    expect(await visitor.next('agent.message', () => true, 10_000, from)).toMatchObject({ agent: { name: 'Rio' } });
    // Closing needs no person: the token closes as itself.
    expect((await admin(tokens.agent, `/tickets/${handoff.ticket}/close`, {})).status).toBe(200);
    await visitor.next('handoff', (f) => f.status === 'closed', 10_000, from);
    visitor.ws.close();
  }, 60_000);
});
