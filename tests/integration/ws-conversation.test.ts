import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS, type ServerEvent } from '../../sdk/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.destroy();
});

const seqs = (s: TestSocket) => s.frames.filter((f): f is ServerEvent => 'seq' in f && f.type !== 'ready').map((f) => f.seq);

describe('protocol v1 over a real WebSocket (Node server, embedded stores)', () => {
  it('answers a demo FAQ question with streamed deltas, citations and a confidence', async () => {
    const s = await TestSocket.open(server.wsUrl());
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

  it('says so and offers a person when nothing relevant is found', async () => {
    const s = await TestSocket.open(server.wsUrl());
    await s.hello();
    const { end, text } = await s.ask('x1', 'What is the airspeed velocity of an unladen swallow on Jupiter?');
    expect(end.citations).toEqual([]);
    expect(end.handoff).toBe(true);
    expect(text).toMatch(/person|human|agent|team/i);
    s.close();
  });

  it('does not answer a resent message id twice', async () => {
    const s = await TestSocket.open(server.wsUrl());
    await s.hello();
    await s.ask('dup', 'Do you ship internationally?');
    s.send({ type: 'message', id: 'dup', text: 'Do you ship internationally?' });
    await s.ask('after-dup', 'hello there');
    expect(s.frames.filter((f) => f.type === 'answer.start' && f.replyTo === 'dup')).toHaveLength(1);
    expect(s.frames.filter((f) => f.type === 'ack' && f.id === 'dup')).toHaveLength(1);
    s.close();
  });

  it('replays exactly the missed events after a dropped socket', async () => {
    const a = await TestSocket.open(server.wsUrl());
    const { session } = await a.hello();
    await a.ask('r0', 'hi');
    a.send({ type: 'message', id: 'r1', text: 'What payment methods do you accept?' });
    const start = await a.next('answer.start', (f) => f.replyTo === 'r1');
    await a.next('answer.delta', (f) => f.id === start.id);
    const seen = Math.max(...seqs(a));
    a.terminate();

    const b = await TestSocket.open(server.wsUrl());
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
    const history = (await (await fetch(`${server.url}/v1/sessions/${session}`)).json()) as { history: { id?: string; text: string }[] };
    expect(history.history.find((h) => h.id === start.id)?.text).toBe(text);
    b.close();
  });

  it('sends the whole history on hello when the replay cannot cover the gap', async () => {
    const a = await TestSocket.open(server.wsUrl());
    const { session } = await a.hello();
    await a.ask('h1', 'Do you ship internationally?');
    a.close();
    const b = await TestSocket.open(server.wsUrl());
    const ready = await b.hello({ session });
    expect(ready.resumed).toBeUndefined();
    expect(ready.history.map((h) => h.role)).toEqual(['user', 'assistant']);
    b.close();
  });

  it('delivers every event to all tabs of one conversation', async () => {
    const a = await TestSocket.open(server.wsUrl());
    const { session } = await a.hello();
    const b = await TestSocket.open(server.wsUrl());
    await b.hello({ session });
    const { end } = await a.ask('tabs', 'How much does shipping cost?');
    const onB = await b.next('answer.end', (f) => f.id === end.id);
    expect(onB).toEqual(end);
    a.close();
    b.close();
  });

  it('answers bad frames with an error and keeps the socket and server up', async () => {
    const s = await TestSocket.open(server.wsUrl());
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
    s.send('y'.repeat(20_000));
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

  it('refuses an unknown site and a foreign origin with an error frame and a close code', async () => {
    const unknown = await TestSocket.open(server.wsUrl('no-such-site'));
    expect((await unknown.next('error')).code).toBe('unknown_site');
    await expect(unknown.next('pong', () => true, 3000)).rejects.toThrow(/closed \(4404\)/);
    const foreign = await TestSocket.open(server.wsUrl(), { origin: 'https://evil.example' });
    expect((await foreign.next('error')).code).toBe('forbidden_origin');
    const own = await TestSocket.open(server.wsUrl(), { origin: `http://127.0.0.1:${server.port}` });
    await own.hello();
    own.close();
  });

  it('opens a ticket when the visitor asks for a person, once', async () => {
    const s = await TestSocket.open(server.wsUrl());
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
    const s = await TestSocket.open(server.wsUrl());
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
