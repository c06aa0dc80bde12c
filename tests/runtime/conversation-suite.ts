/**
 * Protocol v1, asserted the same way against every runtime: the Node server (node.test.ts) and
 * the Worker in workerd (workerd.test.ts); with it the bad frames (bad-frames-suite.ts) and the
 * HTTP twins (http-suite.ts). A socket that joins an existing conversation names it in the URL
 * (`&session=`): the Worker routes the socket to the conversation's Durable Object by it; Node
 * ignores it.
 */
import { describe, expect, it } from 'vitest';
import { TestSocket } from '../helpers/ws-client';
import { badFramesSuite } from './bad-frames-suite';
import { httpTwinsSuite } from './http-suite';
import { httpCalls, seqs, socketUrl, type ChatJson, type ConversationTarget } from './target';

export function conversationSuite(runtime: string, target: () => ConversationTarget): void {
  const ws = (opts: { site?: string; session?: string } = {}) => socketUrl(target(), opts);
  const { sessionGet, post } = httpCalls(target);

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

  badFramesSuite(runtime, target);
  httpTwinsSuite(runtime, target);
}
