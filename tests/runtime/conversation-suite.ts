/**
 * Protocol v1 and its HTTP twins, asserted the same way against every runtime: the Node server
 * (node.test.ts) and the Worker in workerd (workerd.test.ts). A socket that joins an existing
 * conversation names it in the URL (`&session=`): the Worker routes the socket to the
 * conversation's Durable Object by it; Node ignores it.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, type ErrorCode, type ServerEvent, type ServerFrame } from '@support-chat/protocol';
import { TestSocket } from '../helpers/ws-client';

export interface ConversationTarget {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
}

export function socketUrl(t: ConversationTarget, opts: { site?: string; session?: string } = {}): string {
  const q = new URLSearchParams({ site: opts.site ?? 'demo', ...(opts.session ? { session: opts.session } : {}) });
  return `ws://127.0.0.1:${t.port}/v1/ws?${q}`;
}

export const seqs = (s: TestSocket) => s.frames.filter((f): f is ServerEvent => 'seq' in f && f.type !== 'ready').map((f) => f.seq);

interface ChatJson {
  session: string;
  resume?: string;
  answer: { id: string; replyTo: string; text: string; citations: { n: number; title: string }[]; confidence: number; intent: string };
}

export function conversationSuite(runtime: string, target: () => ConversationTarget): void {
  const ws = (opts: { site?: string; session?: string } = {}) => socketUrl(target(), opts);
  const url = () => target().url;
  /** A conversation's history, with the secret its widget keeps. */
  const sessionGet = (session: string, resume = TestSocket.secrets.get(session), headers: Record<string, string> = {}) =>
    fetch(`${url()}/v1/sessions/${session}`, { headers: { ...(resume ? { 'x-resume-secret': resume } : {}), ...headers } });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url()}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  describe(`protocol v1 over a real WebSocket (${runtime})`, () => {
    it('answers a demo FAQ question with streamed deltas, citations and a confidence', async () => {
      const s = await TestSocket.open(ws());
      const ready = await s.hello();
      expect(ready.session).toMatch(/^s_/);
      expect(ready.history).toEqual([]);

      s.send({ type: 'message', id: 'q1', text: 'How long do I have to return an item?' });
      const ack = await s.next('ack', (f) => f.id === 'q1');
      const { start, end, text, deltas } = await s.answerTo('q1');
      expect(ack.seq).toBeLessThan(start.seq);
      expect(start.replyTo).toBe('q1');
      expect(deltas).toBeGreaterThan(1);
      expect(text).toMatch(/\[\d\]/);
      expect(end.citations.length).toBeGreaterThan(0);
      expect(end.citations.map((c) => c.title).join(' ')).toMatch(/return/i);
      for (const c of end.citations) {
        expect(c.snippet.length).toBeGreaterThan(0);
        expect(text).toContain(`[${c.n}]`);
      }
      expect(end.confidence).toBeGreaterThan(0);
      expect(end.confidence).toBeLessThanOrEqual(1);
      // seq rises by exactly one per event
      const all = seqs(s);
      expect(all).toEqual(all.map((_, i) => all[0] + i));
      s.close();
    });

    it("ready carries the empty panel's intro: the site's name and up to four of its FAQ questions", async () => {
      const s = await TestSocket.open(ws());
      const { intro } = await s.hello();
      expect(intro?.title).toBe('Juniper Peak');
      expect(intro!.suggestions.length).toBeGreaterThan(0);
      expect(intro!.suggestions.length).toBeLessThanOrEqual(4);
      for (const q of intro!.suggestions) expect(q).toMatch(/\?$/);
      s.close();
    });

    it('says so and offers a person when nothing relevant is found', async () => {
      const s = await TestSocket.open(ws());
      await s.hello();
      const { end, text } = await s.ask('x1', 'What is the airspeed velocity of an unladen swallow on Jupiter?');
      expect(end.citations).toEqual([]);
      expect(end.handoff).toBe(true);
      expect(text).toMatch(/person|human|agent|team/i);
      s.close();
    });

    it('does not answer a resent message id twice', async () => {
      const s = await TestSocket.open(ws());
      await s.hello();
      await s.ask('dup', 'Do you ship internationally?');
      s.send({ type: 'message', id: 'dup', text: 'Do you ship internationally?' });
      await s.ask('after-dup', 'hello there');
      expect(s.frames.filter((f) => f.type === 'answer.start' && f.replyTo === 'dup')).toHaveLength(1);
      expect(s.frames.filter((f) => f.type === 'ack' && f.id === 'dup')).toHaveLength(1);
      s.close();
    });

    it('replays exactly the missed events after a dropped socket', async () => {
      const a = await TestSocket.open(ws());
      const { session } = await a.hello();
      await a.ask('r0', 'hi');
      a.send({ type: 'message', id: 'r1', text: 'What payment methods do you accept?' });
      const start = await a.next('answer.start', (f) => f.replyTo === 'r1');
      const first = await a.next('answer.delta', (f) => f.id === start.id);
      // The visitor had the answer's first piece when the socket dropped. What came after it may
      // have reached this client already (a fast answer is one write), but a dropped socket
      // loses what is in flight: the client asks from the seq it holds, so a gap is certain.
      const seen = (first as { seq: number }).seq;
      a.terminate();

      const b = await TestSocket.open(ws({ session }));
      const ready = await b.hello({ session, after: seen });
      expect(ready.session).toBe(session);
      expect(ready.resumed).toBe(true);
      await b.next('answer.end', (f) => f.id === start.id);
      const replayed = seqs(b);
      expect(replayed[0]).toBe(seen + 1);
      expect(replayed).toEqual(replayed.map((_, i) => seen + 1 + i));
      // The answer the visitor ends with is the one stored, with nothing lost or doubled.
      const before = a.frames.filter((f) => f.type === 'answer.delta' && f.id === start.id && f.seq <= seen);
      const after = b.frames.filter((f) => f.type === 'answer.delta' && f.id === start.id);
      const text = [...before, ...after].map((f) => (f as { text: string }).text).join('');
      const history = (await (await sessionGet(session)).json()) as { history: { id?: string; text: string }[] };
      expect(history.history.find((h) => h.id === start.id)?.text).toBe(text);
      b.close();
    });

    it('sends the whole history on hello when the replay cannot cover the gap', async () => {
      const a = await TestSocket.open(ws());
      const { session } = await a.hello();
      await a.ask('h1', 'Do you ship internationally?');
      a.close();
      const b = await TestSocket.open(ws({ session }));
      const ready = await b.hello({ session });
      expect(ready.resumed).toBeUndefined();
      expect(ready.history.map((h) => h.role)).toEqual(['user', 'assistant']);
      b.close();
    });

    it('delivers every event to all tabs of one conversation', async () => {
      const a = await TestSocket.open(ws());
      const { session } = await a.hello();
      const b = await TestSocket.open(ws({ session }));
      await b.hello({ session });
      const { end } = await a.ask('tabs', 'How much does shipping cost?');
      const onB = await b.next('answer.end', (f) => f.id === end.id);
      expect(onB).toEqual(end);
      a.close();
      b.close();
    });

    it('answers bad frames with an error and keeps the socket and server up', async () => {
      const s = await TestSocket.open(ws());
      const cases: [unknown, string][] = [
        ['{not json', 'invalid_message'],
        ['[1,2]', 'invalid_message'],
        [{ type: 'launch-rockets' }, 'invalid_message'],
        [{ type: 'message', id: 'm' }, 'invalid_message'],
        [{ type: 'hello', v: 99 }, 'invalid_message'],
        [{ type: 'message', id: 'early', text: 'before hello' }, 'invalid_message'],
      ];
      for (const [frame, code] of cases) {
        const from = s.frames.length;
        s.send(frame);
        const err = await s.next('error', () => true, 5000, from);
        expect(err.code).toBe(code);
      }
      await s.hello();
      let from = s.frames.length;
      s.send({ type: 'message', id: 'big', text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) });
      expect((await s.next('error', () => true, 5000, from)).code).toBe('too_long');
      from = s.frames.length;
      s.ws.send(Buffer.from([1, 2, 3]));
      expect((await s.next('error', () => true, 5000, from)).code).toBe('invalid_message');
      from = s.frames.length;
      s.send({ type: 'ping' });
      await s.next('pong', () => true, 5000, from);
      const { end } = await s.ask('ok', 'Do you ship internationally?');
      expect(end.citations.length).toBeGreaterThan(0);
      expect(s.closed).toBeNull();
      s.close();
    });

    it('closes with 1009 on a frame over the limit in UTF-8 bytes, without reading it whole', async () => {
      // Fewer characters than the limit, more bytes: the limit is in bytes as sent.
      const euros = '€'.repeat(Math.ceil(MAX_FRAME_BYTES / 3) + 10);
      expect(euros.length).toBeLessThan(MAX_FRAME_BYTES);
      for (const frame of [JSON.stringify(euros), 'y'.repeat(MAX_FRAME_BYTES + 1), 'z'.repeat(4 * 1024 * 1024)]) {
        const s = await TestSocket.open(ws());
        await s.hello();
        s.send(frame);
        await expect(s.next('pong', () => true, 5000)).rejects.toThrow(/closed \(1009\)/);
      }
      // A frame just under the limit is read, and answered for what it is.
      const s = await TestSocket.open(ws());
      s.send('y'.repeat(MAX_FRAME_BYTES));
      expect((await s.next('error')).code).toBe('invalid_message');
      s.close();
    });

    it('answers a message holding a NUL character, the character dropped (Postgres text cannot hold it)', async () => {
      const s = await TestSocket.open(ws());
      await s.hello();
      const { end, text } = await s.ask('nul-text', 'How long do I have to \u0000return an item?');
      expect(text).not.toContain('\u0000');
      expect(end.citations.length).toBeGreaterThan(0);
      s.close();
    });

    it('answers each malformed frame with the same error, before and after hello (protocol fuzz)', async () => {
      const s = await TestSocket.open(ws());
      const expectReply = async (frame: unknown, reply: ServerFrame) => {
        const from = s.frames.length;
        if (frame instanceof Uint8Array) s.ws.send(frame);
        else s.send(frame);
        const got = await s.next(reply.type, () => true, 5000, from);
        expect(got).toEqual(reply);
      };
      const err = (code: ErrorCode, message: string, ref?: string): ServerFrame => ({ type: 'error', code, message, ...(ref ? { ref } : {}) });
      const malformed: [unknown, ServerFrame][] = [
        ['{not json', err('invalid_message', 'frame is not valid JSON')],
        ['', err('invalid_message', 'frame is not valid JSON')],
        ['null', err('invalid_message', 'frame must be a JSON object')],
        ['"hello"', err('invalid_message', 'frame must be a JSON object')],
        ['[{"type":"hello","v":1}]', err('invalid_message', 'frame must be a JSON object')],
        [{ id: 'no-type' }, err('invalid_message', 'frame has no "type"', 'no-type')],
        [{ type: 42 }, err('invalid_message', 'frame has no "type"')],
        [{ type: 'launch-rockets', id: 'r1' }, err('invalid_message', 'unknown frame type "launch-rockets"', 'r1')],
        [{ type: 'hello', v: 2 }, err('invalid_message', 'hello: "v" Invalid input: expected 1')],
        [{ type: 'message', id: 'blank', text: ' \n ' }, err('invalid_message', 'message: "text" is empty', 'blank')],
        [{ type: 'message', id: 'long', text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }, err('too_long', `message: "text" exceeds ${MAX_MESSAGE_CHARS} characters`, 'long')],
        [new Uint8Array([123, 125]), err('invalid_message', 'frames must be JSON text, not binary')],
      ];
      for (const [frame, reply] of malformed) await expectReply(frame, reply);
      // Well formed but too early: everything but hello and ping waits for a session.
      await expectReply({ type: 'message', id: 'early', text: 'before hello' }, err('invalid_message', 'send "hello" before "message"'));
      await expectReply({ type: 'feedback', answer: 'a_1', rating: 'up' }, err('invalid_message', 'send "hello" before "feedback"'));
      await expectReply({ type: 'handoff' }, err('invalid_message', 'send "hello" before "handoff"'));
      await expectReply({ type: 'ping' }, { type: 'pong' });
      await s.hello();
      for (const [frame, reply] of malformed) await expectReply(frame, reply);
      expect(s.closed).toBeNull();
      s.close();
    });

    it("answers a message the server failed to take with an error naming it (ref), so the widget sends it again", async () => {
      const s = await TestSocket.open(ws());
      await s.hello();
      // A NUL character cannot be stored in Postgres text: looking the message's id up fails, for real.
      const from = s.frames.length;
      s.send({ type: 'message', id: 'nul\u00001', text: 'where is my order' });
      const err = await s.next('error', () => true, 10_000, from);
      expect(err).toMatchObject({ code: 'unavailable', ref: 'nul\u00001' });
      expect(s.frames.slice(from).some((f) => f.type === 'ack')).toBe(false);
      // The socket and its session carry on.
      const { end } = await s.ask('after-nul', 'Do you ship internationally?');
      expect(end.citations.length).toBeGreaterThan(0);
      s.close();
    });

    it('closes with 1013 (try again) when hello fails, after saying so', async () => {
      const s = await TestSocket.open(ws());
      // The session is looked up in Postgres, which refuses a NUL character: hello fails, for real.
      s.send({ type: 'hello', v: 1, session: 's_\u0000' });
      const err = await s.next('error');
      expect(err).toEqual({ type: 'error', code: 'unavailable', message: 'the server could not handle that just now; please retry' });
      await expect(s.next('pong', () => true, 5000)).rejects.toThrow(/closed \(1013\)/);
      expect(s.closed?.code).toBe(1013);
      // A new socket's hello works: the client reconnects with backoff and says hello again.
      const again = await TestSocket.open(ws());
      expect((await again.hello()).session).toMatch(/^s_/);
      again.close();
    });

    it('resumes a conversation only with its secret: knowing its id gets nothing of it', async () => {
      const a = await TestSocket.open(ws());
      const { session, resume } = await a.hello();
      expect(resume).toMatch(/^[\w-]{43}$/);
      await a.ask('sec1', 'Do you ship internationally?');
      a.close();
      // Over a socket: Node starts a new conversation; the Worker, routed to that conversation's
      // object by the id in the URL, refuses and the widget comes back without it.
      const thief = await TestSocket.open(ws({ session }));
      thief.send({ type: 'hello', v: 1, session, resume: 'not-the-secret' });
      await thief.next('pong', () => true, 5000).catch(() => {});
      const got = thief.frames[0];
      if (got?.type === 'ready') {
        expect(got.session).not.toBe(session);
        expect(got.history).toEqual([]);
      } else {
        expect(got).toMatchObject({ type: 'error', code: 'unknown_session' });
        expect(thief.closed?.code).toBe(1013);
      }
      thief.close();
      // Over HTTP: the history needs the secret, from an allowed origin; a wrong one looks like no conversation.
      expect((await sessionGet(session, '')).status).toBe(404);
      expect((await sessionGet(session, 'not-the-secret')).status).toBe(404);
      expect((await sessionGet(session, resume, { origin: 'https://evil.example' })).status).toBe(404);
      const own = await sessionGet(session, resume);
      expect(own.status).toBe(200);
      expect(((await own.json()) as { history: unknown[] }).history).toHaveLength(2);
      // POST with the id and no secret: a conversation of its own, not this one.
      const posted = (await (await post({ site: 'demo', session, id: 'sec2', text: 'Do you ship internationally?' })).json()) as ChatJson;
      expect(posted.session).not.toBe(session);
      expect(posted.resume).toBeTruthy();
    });

    it('refuses an unknown site and a foreign origin with an error frame and a close code', async () => {
      const unknown = await TestSocket.open(ws({ site: 'no-such-site' }));
      expect((await unknown.next('error')).code).toBe('unknown_site');
      await expect(unknown.next('pong', () => true, 3000)).rejects.toThrow(/closed \(4404\)/);
      const foreign = await TestSocket.open(ws(), { origin: 'https://evil.example' });
      expect((await foreign.next('error')).code).toBe('forbidden_origin');
      // A sandboxed frame or a file names no site. (An empty Origin: node.test.ts; wrangler's
      // local proxy drops empty headers before the Worker sees them.)
      const opaque = await TestSocket.open(ws(), { origin: 'null' });
      expect((await opaque.next('error')).code).toBe('forbidden_origin');
      const own = await TestSocket.open(ws(), { origin: `http://127.0.0.1:${target().port}` });
      await own.hello();
      own.close();
    });

    it('opens a ticket when the visitor asks for a person, once', async () => {
      const s = await TestSocket.open(ws());
      await s.hello();
      const { end } = await s.ask('p1', 'I want to talk to a real person please');
      expect(end.handoff).toBe(true);
      const h = await s.next('handoff');
      expect(h.ticket).toMatch(/^t_/);
      expect(h.status).toBe('open');
      const from = s.frames.length;
      s.send({ type: 'handoff', reason: 'still waiting' });
      const again = await s.next('handoff', () => true, 5000, from);
      expect(again.ticket).toBe(h.ticket);
      s.close();
    });

    it('stores feedback on an answer and refuses feedback on an unknown one', async () => {
      const s = await TestSocket.open(ws());
      await s.hello();
      const { end } = await s.ask('f1', 'Do you ship internationally?');
      s.send({ type: 'feedback', answer: end.id, rating: 'up' });
      let from = s.frames.length;
      s.send({ type: 'ping' });
      await s.next('pong', () => true, 5000, from);
      expect(s.frames.slice(from).some((f) => f.type === 'error')).toBe(false);
      from = s.frames.length;
      s.send({ type: 'feedback', answer: 'a_nope', rating: 'down' });
      expect((await s.next('error', () => true, 5000, from)).code).toBe('invalid_message');
      s.close();
    });
  });

  describe(`HTTP twins of the socket (${runtime})`, () => {
    it('answers health and readiness', async () => {
      expect((await fetch(`${url()}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url()}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({ db: 'ok', vectors: 'ok', sessions: 'ok' });
    });

    it('POST /v1/chat returns the answer as JSON, and the same id is answered once', async () => {
      const res = await post({ site: 'demo', id: 'j1', text: 'How long do I have to return an item?' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as ChatJson;
      expect(body.session).toMatch(/^s_/);
      expect(body.answer.replyTo).toBe('j1');
      expect(body.answer.citations.length).toBeGreaterThan(0);
      expect(body.answer.text).toMatch(/\[\d\]/);
      expect(body.resume).toMatch(/^[\w-]{40,}$/);
      const again = (await (await post({ site: 'demo', session: body.session, resume: body.resume, id: 'j1', text: 'How long do I have to return an item?' })).json()) as ChatJson;
      expect(again.session).toBe(body.session);
      expect(again.answer.id).toBe(body.answer.id);
      const history = (await (await sessionGet(body.session, body.resume)).json()) as { history: unknown[] };
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
      const stored = (await (await sessionGet(events[0].data.session, events[0].data.resume)).json()) as { history: { role: string; text: string }[] };
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
      const notJson = await fetch(`${url()}/v1/chat`, { method: 'POST', body: '{oops' });
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_message');
      expect((await fetch(`${url()}/v1/sessions/s_missing`)).status).toBe(404);
    });

    it('serves the demo site', async () => {
      const res = await fetch(`${url()}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<html/i);
    });

    it('serves no data, source maps or type declarations: only the pages and the built scripts', async () => {
      // The demo's orders (emails, tracking numbers) and its knowledge base are data, not pages.
      for (const path of ['/data/orders.json', '/data/faq.csv', '/demo/data/orders.json', '/sdk/support-chat.js.map', '/sdk/support-chat.d.ts', '/_headers']) {
        const res = await fetch(`${url()}${path}`);
        expect(res.status, path).toBe(404);
        expect(await res.text(), path).not.toMatch(/@example|"email"|sourceMappingURL|declare /);
      }
      expect((await fetch(`${url()}/sdk/support-chat.iife.js`)).status).toBe(200);
    });

    it('sends security headers on pages, scripts and the API', async () => {
      const page = await fetch(`${url()}/`);
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      const script = await fetch(`${url()}/sdk/support-chat.iife.js`);
      expect(script.headers.get('x-content-type-options')).toBe('nosniff');
      expect(script.headers.get('access-control-allow-origin')).toBe('*');
      expect(script.headers.get('cache-control')).toMatch(/public/);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      const api = await fetch(`${url()}/v1/health`);
      expect(api.headers.get('content-security-policy')).toMatch(/default-src 'none'; frame-ancestors 'none'/);
      expect(api.headers.get('cache-control')).toBe('no-store');
      expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('answers CORS only for origins a site allows', async () => {
      const own = `http://127.0.0.1:${target().port}`;
      const evil = await post({ site: 'demo', id: 'cors-evil', text: 'hi' }, { origin: 'https://evil.example' });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      const pre = await fetch(`${url()}/v1/chat`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const allowed = await fetch(`${url()}/v1/health`, { headers: { origin: own } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe(own);
      expect(allowed.headers.get('vary')).toMatch(/origin/i);
    });
  });
}
