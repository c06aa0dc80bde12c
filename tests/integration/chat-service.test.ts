import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@support-chat/protocol';
import type { Deps } from '../../edge/core/deps';
import type { Llm } from '../../edge/core/ports';
import { UnknownSession } from '../../edge/conversation/errors';
import { ChatService, type Peer } from '../../edge/conversation/chat';
import { demoDeps } from '../helpers/deps';

let base: Deps;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ deps: base, close } = await demoDeps());
});
afterAll(() => close());

/** A visitor on the transport-free chat service, keeping every frame it receives. */
async function visitor(deps: Deps) {
  const chat = new ChatService(deps);
  const frames: ServerFrame[] = [];
  const peer: Peer = { conn: { id: 'c1', send: (f) => frames.push(f) }, siteId: 'demo', session: null };
  await chat.handle(peer, { type: 'hello', v: 1 });
  const ask = async (id: string, text: string) => {
    await chat.handle(peer, { type: 'message', id, text });
    await chat.idle(peer.session!);
    const start = frames.find((f) => f.type === 'answer.start' && f.replyTo === id);
    const end = frames.find((f) => f.type === 'answer.end' && start?.type === 'answer.start' && f.id === start.id);
    const text_ = frames.filter((f) => f.type === 'answer.delta' && start?.type === 'answer.start' && f.id === start.id).map((f) => (f as { text: string }).text).join('');
    return { start, end: end as Extract<ServerFrame, { type: 'answer.end' }> | undefined, text: text_ };
  };
  const ready = frames.find((f) => f.type === 'ready');
  const resume = ready?.type === 'ready' ? ready.resume : undefined;
  return { chat, peer, frames, ask, resume };
}

const stored = async (deps: Deps, session: string) => deps.db.messages.list(session);

describe('citations as the visitor reads them', () => {
  it('numbers the sources an answer cites 1..n in the order it cites them, drops the rest, and stores and caches it so', async () => {
    const llm: Llm = {
      name: 'cites-out-of-order',
      async *stream(req) {
        expect(req.sources.length).toBeGreaterThanOrEqual(2);
        const [a, b] = [req.sources[1].n, req.sources[0].n];
        yield { type: 'text', text: `Second-ranked first [${a}` };
        yield { type: 'text', text: `]. Then the top one [${b}][${a}]. And one never given [42].` };
      },
    };
    const v = await visitor({ ...base, llm });
    const { end, text } = await v.ask('c1', 'How long does shipping take and how much does it cost?');
    expect(text).toBe('Second-ranked first [1]. Then the top one [2][1]. And one never given.');
    expect(end?.citations.map((c) => c.n)).toEqual([1, 2]);
    const rows = await stored(base, v.peer.session!);
    expect(rows.at(-1)?.citations.map((c) => c.n)).toEqual([1, 2]);
    // The cached copy replays with the same numbers and the same sources behind them.
    const again = await v.ask('c2', 'How long does shipping take and how much does it cost?');
    expect(again.text).toBe(text);
    expect(again.end?.citations).toEqual(end?.citations);
  });
});

describe('the conversation when things go wrong (real stores, faulty providers)', () => {
  it('keeps what streamed and says the answer was cut when the LLM fails mid-answer', async () => {
    const llm: Llm = {
      name: 'breaks-half-way',
      async *stream() {
        yield { type: 'text', text: 'Standard shipping takes ' };
        yield { type: 'text', text: '3–5 business days [1]' };
        throw new Error('upstream reset');
      },
    };
    const v = await visitor({ ...base, llm });
    const { end, text } = await v.ask('m1', 'How long does shipping take?');
    expect(text).toMatch(/^Standard shipping takes 3–5 business days \[1\]/);
    expect(text).toMatch(/interrupted/i);
    expect(end?.handoff).toBe(true);
    expect(end?.confidence).toBe(0);
    const rows = await stored(base, v.peer.session!);
    expect(rows.at(-1)?.text).toBe(text);
  });

  it('ends a hanging answer at the timeout with an honest notice', async () => {
    const llm: Llm = {
      name: 'hangs',
      async *stream() {
        yield { type: 'text', text: 'Let me check' };
        await new Promise(() => {}); // never resolves, never honours the signal
      },
    };
    const v = await visitor({ ...base, llm, settings: { ...base.settings, answerTimeoutMs: 300, cacheTtlSeconds: 0 } });
    const t = Date.now();
    const { end, text } = await v.ask('m1', 'How long does shipping take?');
    expect(Date.now() - t).toBeLessThan(5000);
    expect(text).toMatch(/^Let me check/);
    expect(text).toMatch(/interrupted/i);
    expect(end).toBeDefined();
  });

  it('answers "unavailable" in words when the database fails before the answer', async () => {
    const db = { ...base.db, chunks: { ...base.db.chunks, textSearch: async () => Promise.reject(new Error('connection refused')) } };
    const v = await visitor({ ...base, db, settings: { ...base.settings, cacheTtlSeconds: 0 } });
    const { start, end, text } = await v.ask('m1', 'What does the warranty cover?');
    expect(start).toBeDefined();
    expect(text).toMatch(/can.t answer right now/i);
    expect(end?.citations).toEqual([]);
  });

  it('limits the rate of messages and says when to retry', async () => {
    const v = await visitor({ ...base, settings: { ...base.settings, rateLimitPerMinute: 2 } });
    await v.ask('r1', 'hi');
    await v.ask('r2', 'hello');
    await v.chat.handle(v.peer, { type: 'message', id: 'r3', text: 'one more' });
    const err = v.frames.find((f) => f.type === 'error');
    expect(err).toMatchObject({ type: 'error', code: 'rate_limited', ref: 'r3' });
    expect(err?.type === 'error' && err.retryAfter).toBeGreaterThan(0);
    expect(v.frames.some((f) => f.type === 'ack' && f.id === 'r3')).toBe(false);
  });

  it('answers messages sent together one after another, never interleaved', async () => {
    const v = await visitor(base);
    await Promise.all([
      v.chat.handle(v.peer, { type: 'message', id: 'a', text: 'How much does shipping cost?' }),
      v.chat.handle(v.peer, { type: 'message', id: 'b', text: 'What does the warranty cover?' }),
    ]);
    await v.chat.idle(v.peer.session!);
    const order = v.frames.filter((f) => f.type.startsWith('answer.')).map((f) => (f as { id: string }).id);
    const first = order[0];
    const switchAt = order.findIndex((id) => id !== first);
    expect(order.slice(switchAt).every((id) => id !== first)).toBe(true);
    expect((await stored(base, v.peer.session!)).map((m) => m.role)).toEqual(['user', 'user', 'assistant', 'assistant']);
  });

  it('serves a repeated question from the cache without searching again', async () => {
    let searches = 0;
    const vectors = { ...base.vectors, search: (...a: Parameters<Deps['vectors']['search']>) => (searches++, base.vectors.search(...a)) };
    const v = await visitor({ ...base, vectors, settings: { ...base.settings, cacheTtlSeconds: 60 } });
    const first = await v.ask('c1', 'Can you ship to a PO box?');
    const second = await v.ask('c2', 'can you ship to a po box');
    expect(searches).toBe(1);
    expect(second.text).toBe(first.text);
    expect(second.end?.citations).toEqual(first.end?.citations);
  });

  it('asks for what is missing to look up an order, then answers from the order', async () => {
    const v = await visitor(base);
    const a = await v.ask('o1', 'Where is my order JP-10405?');
    expect(a.text).toMatch(/email/i);
    expect(a.start?.type === 'answer.start' && a.start.intent).toBe('order_status');
    const b = await v.ask('o2', 'priya.natarajan@example.com');
    expect(b.text).toMatch(/JP-10405/);
    expect(b.end?.citations[0]?.title).toBe('Order JP-10405');
    const wrong = await v.ask('o3', 'order JP-10405, email someone.else@example.com');
    expect(wrong.text).toMatch(/couldn.t find/i);
  });

  it('quotes live stock and price from the products table, not the indexed text', async () => {
    const product = (await base.db.products.get('demo', 'JP-TNT-2'))!;
    await base.db.products.upsert([{ ...product, stock: 3, priceCents: 32900 }]);
    const v = await visitor(base);
    const first = await v.ask('p1', 'Is the Switchback 2 tent in stock?');
    expect(first.text).toMatch(/3 left/);
    expect(first.text).toMatch(/\$329\.00/);
    await base.db.products.upsert([{ ...product, stock: 0 }]);
    const second = await v.ask('p2', 'Is the Switchback 2 tent in stock?');
    expect(second.text).toMatch(/Switchback 2 Tent is out of stock/);
    await base.db.products.upsert([product]);
  });

  it('keeps a router-assigned conversation to its own site', async () => {
    const chat = new ChatService(base);
    const frames: ServerFrame[] = [];
    const owner: Peer = { conn: { id: 'o', send: (f) => frames.push(f) }, siteId: 'demo', session: null };
    await chat.handle(owner, { type: 'hello', v: 1 });
    await base.db.sites.upsert({ id: 'elsewhere', name: 'Elsewhere', allowedOrigins: [] });
    const intruder: Peer = { conn: { id: 'i', send: (f) => frames.push(f) }, siteId: 'elsewhere', session: null, assignedSession: owner.session! };
    await expect(chat.handle(intruder, { type: 'hello', v: 1 })).rejects.toBeInstanceOf(UnknownSession);
    expect(intruder.session).toBeNull();
  });

  it('gives a conversation only to a hello that shows its secret: the id alone, a wrong secret or another site get nothing of it', async () => {
    const v = await visitor(base);
    await v.ask('s1', 'Do you ship internationally?');
    const session = v.peer.session!;
    expect(v.resume).toMatch(/^[\w-]{43}$/);
    const stored = await base.db.conversations.get(session);
    expect(stored?.resumeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.resumeHash).not.toContain(v.resume);
    const chat = new ChatService(base);
    for (const resume of [undefined, 'wrong-secret', v.resume!.slice(0, -1) + (v.resume!.endsWith('A') ? 'B' : 'A')]) {
      const frames: ServerFrame[] = [];
      const peer: Peer = { conn: { id: 'x', send: (f) => frames.push(f) }, siteId: 'demo', session: null };
      await chat.handle(peer, { type: 'hello', v: 1, session, ...(resume ? { resume } : {}) });
      const ready = frames.find((f) => f.type === 'ready');
      expect(ready?.type === 'ready' && ready.session).not.toBe(session);
      expect(ready?.type === 'ready' && ready.history).toEqual([]);
    }
    // A socket routed to that conversation by its id (a Durable Object) is refused outright.
    const routed: Peer = { conn: { id: 'y', send: () => {} }, siteId: 'demo', session: null, assignedSession: session };
    await expect(chat.handle(routed, { type: 'hello', v: 1, session })).rejects.toBeInstanceOf(UnknownSession);
    // With the secret: the conversation, its history, and no new secret.
    const frames: ServerFrame[] = [];
    const own: Peer = { conn: { id: 'z', send: (f) => frames.push(f) }, siteId: 'demo', session: null };
    await chat.handle(own, { type: 'hello', v: 1, session, resume: v.resume });
    const ready = frames.find((f) => f.type === 'ready');
    expect(ready).toMatchObject({ type: 'ready', session });
    expect(ready?.type === 'ready' && ready.history.length).toBe(2);
    expect(ready?.type === 'ready' && ready.resume).toBeUndefined();
  });

  it('keeps the ticket in the history a returning visitor gets', async () => {
    const v = await visitor(base);
    await v.ask('t1', 'I want to talk to a real person please');
    const again = await visitor(base);
    const frames: ServerFrame[] = [];
    const peer: Peer = { conn: { id: 'r', send: (f) => frames.push(f) }, siteId: 'demo', session: null };
    await again.chat.handle(peer, { type: 'hello', v: 1, session: v.peer.session!, resume: v.resume });
    const ready = frames.find((f) => f.type === 'ready');
    expect(ready?.type === 'ready' && ready.history.map((h) => h.role)).toEqual(['user', 'assistant', 'ticket']);
  });
});
