import { describe, expect, it } from 'vitest';
import { Conversation, type AnswerItem, type Effect } from '../../../sdk/client/conversation';
import type { HistoryEntry, ServerEvent, ServerFrame } from '@support-chat/protocol';

/** A conversation with predictable ids and a clock the test moves. */
function setup(session?: string) {
  let n = 0;
  const clock = { now: 1_000_000 };
  const conv = new Conversation({ newId: () => `m${++n}`, now: () => clock.now, session, locale: 'en' });
  return { conv, clock };
}

/** The events the server emits for one answer, numbered from `seq`. */
function turn(seq: number, msg: string, answer: string, pieces: string[]): ServerEvent[] {
  return [
    { type: 'ack', seq, id: msg },
    { type: 'answer.start', seq: seq + 1, id: answer, replyTo: msg, intent: 'policy_question' },
    ...pieces.map((text, i): ServerEvent => ({ type: 'answer.delta', seq: seq + 2 + i, id: answer, text })),
    { type: 'answer.end', seq: seq + 2 + pieces.length, id: answer, citations: [{ n: 1, title: 'Shipping', url: '/help/shipping', snippet: 'Orders leave…' }], confidence: 0.8 },
  ];
}

const applyAll = (conv: Conversation, frames: ServerFrame[]) => frames.flatMap((f) => conv.apply(f));
const sends = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'send' ? [e.frame] : []));
const answers = (conv: Conversation) => conv.items.filter((i): i is AnswerItem => i.kind === 'answer');

describe('client conversation (protocol v1)', () => {
  it('says hello without `after` until it has a view, then resumes after the last event applied', () => {
    const { conv } = setup();
    expect(conv.hello()).toEqual({ type: 'hello', v: 1, locale: 'en' });
    conv.apply({ type: 'ready', session: 's_1', seq: 0, history: [] });
    const sent = conv.send('How long does shipping take?', true)!;
    applyAll(conv, turn(1, sent.item.id, 'a_1', ['Three ', 'to five days [1].']));
    expect(conv.seq).toBe(5);
    expect(conv.hello()).toEqual({ type: 'hello', v: 1, session: 's_1', after: 5, locale: 'en' });
    expect(conv.hello(true)).toEqual({ type: 'hello', v: 1, session: 's_1', locale: 'en' });
  });

  it('keeps the resume secret a new conversation comes with, shows it in every hello, and drops both on unknown_session', () => {
    const { conv } = setup();
    const effects = conv.apply({ type: 'ready', session: 's_1', seq: 0, history: [], resume: 'secret-1' });
    expect(effects[0]).toEqual({ type: 'ready', session: 's_1', resume: 'secret-1', fresh: true });
    expect(conv.hello(true)).toEqual({ type: 'hello', v: 1, session: 's_1', resume: 'secret-1', locale: 'en' });
    // A resumed ready gives no new secret: the one kept stays.
    conv.apply({ type: 'ready', session: 's_1', seq: 0, history: [], resumed: true });
    expect(conv.resume).toBe('secret-1');
    // The server will not resume it: the next hello starts afresh.
    conv.apply({ type: 'error', code: 'unknown_session', message: 'start a new one' });
    expect(conv.hello()).toEqual({ type: 'hello', v: 1, locale: 'en' });
    // A new conversation without a secret (an older server) leaves none behind from the old one.
    conv.apply({ type: 'ready', session: 's_2', seq: 0, history: [] });
    expect(conv.resume).toBeUndefined();
  });

  it('a stored session id from an earlier page asks for the whole history, not a resume', () => {
    const { conv } = setup('s_old');
    expect(conv.hello()).toEqual({ type: 'hello', v: 1, session: 's_old', locale: 'en' });
    const history: HistoryEntry[] = [
      { role: 'user', id: 'q1', text: 'Hi', at: '2026-01-01T00:00:00Z' },
      { role: 'assistant', id: 'a1', replyTo: 'q1', text: 'Hello!', citations: [], confidence: 1, at: '2026-01-01T00:00:01Z' },
    ];
    const effects = conv.apply({ type: 'ready', session: 's_old', seq: 7, history });
    expect(effects[0]).toEqual({ type: 'ready', session: 's_old', fresh: false });
    expect(conv.items.map((i) => [i.kind, i.id])).toEqual([['user', 'q1'], ['answer', 'a1']]);
    expect(conv.seq).toBe(7);
  });

  it('shows the tickets of the stored history after a reload, where they were opened', () => {
    const { conv } = setup('s_old');
    conv.hello();
    const history: HistoryEntry[] = [
      { role: 'user', id: 'q1', text: 'A person, please', at: '2026-01-01T00:00:00Z' },
      { role: 'assistant', id: 'a1', replyTo: 'q1', text: 'Connecting you.', citations: [], confidence: 1, at: '2026-01-01T00:00:01Z' },
      { role: 'ticket', ticket: 't_1', status: 'open', at: '2026-01-01T00:00:02Z' },
    ];
    conv.apply({ type: 'ready', session: 's_old', seq: 9, history });
    expect(conv.items.map((i) => [i.kind, i.id])).toEqual([['user', 'q1'], ['answer', 'a1'], ['ticket', 't_1']]);
    // The live event for the same ticket updates it rather than adding a second.
    conv.apply({ type: 'handoff', seq: 10, ticket: 't_1', status: 'pending' });
    expect(conv.items.filter((i) => i.kind === 'ticket')).toEqual([{ kind: 'ticket', id: 't_1', status: 'pending' }]);
    expect(conv.items).toHaveLength(3);
  });

  it('streams an answer and reports it finished once, with citations and confidence', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    const { item } = conv.send('q', true)!;
    const effects = applyAll(conv, turn(1, item.id, 'a', ['One ', 'two']));
    expect(item.status).toBe('acked');
    const done = effects.filter((e) => e.type === 'answer');
    expect(done).toHaveLength(1);
    expect(answers(conv)[0]).toMatchObject({ text: 'One two', done: true, confidence: 0.8, replyTo: item.id });
    expect(answers(conv)[0].citations[0].url).toBe('/help/shipping');
  });

  it('ignores events it has already applied (a replay overlapping the live stream)', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    const { item } = conv.send('q', true)!;
    const events = turn(1, item.id, 'a', ['A', 'B', 'C']);
    applyAll(conv, events.slice(0, 4));
    const effects = applyAll(conv, events); // everything again, then the rest once
    expect(answers(conv)[0].text).toBe('ABC');
    expect(effects.filter((e) => e.type === 'answer')).toHaveLength(1);
  });

  it('asks to resync on a gap and applies nothing past it', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    const events = turn(1, 'q', 'a', ['A', 'B']);
    conv.apply(events[0]);
    expect(conv.apply(events[2])).toEqual([{ type: 'resync', full: false }]);
    expect(conv.apply(events[3])).toEqual([]); // one resync is enough until `ready`
    expect(conv.seq).toBe(1);
    expect(conv.hello()).toMatchObject({ after: 1 });
    conv.apply({ type: 'ready', session: 's', seq: 1, history: [], resumed: true });
    applyAll(conv, events.slice(1));
    expect(answers(conv)[0]).toMatchObject({ text: 'AB', done: true });
  });

  it('resumes an answer cut mid-stream exactly where it stopped', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    const { item } = conv.send('q', true)!;
    const events = turn(1, item.id, 'a', ['The ', 'whole ', 'answer.']);
    applyAll(conv, events.slice(0, 3)); // ack, start, first delta
    conv.disconnected();
    // The message was acknowledged, so nothing goes out again; the replay brings the rest.
    const ready = conv.apply({ type: 'ready', session: 's', seq: conv.seq, history: [], resumed: true });
    expect(sends(ready)).toEqual([]);
    applyAll(conv, events.slice(2)); // the server replays from after=3; one overlap is harmless
    expect(answers(conv)[0].text).toBe('The whole answer.');
  });

  it('keeps messages typed offline and sends each once after `ready`, in order', () => {
    const { conv } = setup();
    const a = conv.send('first', false)!;
    const b = conv.send('second', false)!;
    expect(a.frame).toBeNull();
    expect(conv.queued().map((m) => m.status)).toEqual(['pending', 'pending']);
    const effects = conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    expect(sends(effects)).toEqual([
      { type: 'message', id: a.item.id, text: 'first' },
      { type: 'message', id: b.item.id, text: 'second' },
    ]);
    expect(conv.due()).toEqual([]); // already sent: not again on this socket
  });

  it('resends what was sent but not acknowledged when the socket drops, with the same id', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    const { item, frame } = conv.send('lost in the drop?', true)!;
    conv.disconnected();
    const effects = conv.apply({ type: 'ready', session: 's', seq: 0, history: [], resumed: true });
    expect(sends(effects)).toEqual([frame]);
    // The server had it after all: its ack in the replay settles it, and the resend is dropped there.
    conv.apply({ type: 'ack', seq: 1, id: item.id });
    expect(conv.queued()).toEqual([]);
  });

  it('merges the full history without doubling what it already shows', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    const { item } = conv.send('q', true)!;
    applyAll(conv, turn(1, item.id, 'a', ['Hi']));
    conv.rate('a', 'up');
    const pending = conv.send('typed while away', false)!;
    conv.disconnected();
    // The server lost its event log (a restart): it sends the whole history instead of a replay.
    const history: HistoryEntry[] = [
      { role: 'user', id: item.id, text: 'q', at: 'x' },
      { role: 'assistant', id: 'a', replyTo: item.id, text: 'Hi', citations: [], confidence: 0.8, at: 'x' },
    ];
    const effects = conv.apply({ type: 'ready', session: 's', seq: 4, history });
    expect(conv.items.map((i) => `${i.kind}:${i.id}`)).toEqual([`user:${item.id}`, 'answer:a', `user:${pending.item.id}`]);
    expect(answers(conv)[0].rating).toBe('up');
    expect(sends(effects)).toEqual([{ type: 'message', id: pending.item.id, text: 'typed while away' }]);
  });

  it('joined mid-answer (a reload or a second tab): shows it once the history has it', () => {
    const { conv } = setup('s');
    conv.apply({ type: 'ready', session: 's', seq: 3, history: [{ role: 'user', id: 'q', text: 'asked in the other tab', at: 'x' }] });
    conv.apply({ type: 'answer.delta', seq: 4, id: 'a', text: 'rest of it' });
    expect(answers(conv)[0]).toMatchObject({ partial: true, done: false });
    const end = conv.apply({ type: 'answer.end', seq: 5, id: 'a', citations: [], confidence: 0.9 });
    expect(end).toEqual([{ type: 'resync', full: true }]);
    const history: HistoryEntry[] = [
      { role: 'user', id: 'q', text: 'asked in the other tab', at: 'x' },
      { role: 'assistant', id: 'a', replyTo: 'q', text: 'The start and rest of it', citations: [], confidence: 0.9, at: 'x' },
    ];
    const again = conv.apply({ type: 'ready', session: 's', seq: 5, history });
    expect(again.some((e) => e.type === 'resync')).toBe(false);
    expect(answers(conv)).toHaveLength(1);
    expect(answers(conv)[0]).toMatchObject({ text: 'The start and rest of it', done: true });
    expect(answers(conv)[0].partial).toBeFalsy();
  });

  it('a message from another tab: its ack alone leaves a placeholder the history fills', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    const effects = applyAll(conv, turn(1, 'other-tab', 'a', ['Yes.']));
    expect(effects).toContainEqual({ type: 'resync', full: true });
    expect(conv.items[0]).toMatchObject({ kind: 'user', id: 'other-tab', unknown: true });
    conv.apply({
      type: 'ready',
      session: 's',
      seq: 4,
      history: [
        { role: 'user', id: 'other-tab', text: 'Do you ship to Canada?', at: 'x' },
        { role: 'assistant', id: 'a', replyTo: 'other-tab', text: 'Yes.', citations: [], confidence: 1, at: 'x' },
      ],
    });
    expect(conv.items.map((i) => (i.kind === 'user' ? i.text : i.kind))).toEqual(['Do you ship to Canada?', 'answer']);
  });

  it('holds a rate-limited message and sends it again when the server allows', () => {
    const { conv, clock } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    const { item } = conv.send('too fast', true)!;
    const effects = conv.apply({ type: 'error', code: 'rate_limited', message: 'slow down', ref: item.id, retryAfter: 12 });
    expect(effects).toContainEqual({ type: 'wake', at: clock.now + 12_000 });
    expect(conv.due()).toEqual([]);
    clock.now += 12_000;
    expect(conv.due()).toEqual([{ type: 'message', id: item.id, text: 'too fast' }]);
  });

  it('marks a refused message failed and never resends it', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    const { item } = conv.send('x', true)!;
    conv.apply({ type: 'error', code: 'too_long', message: 'too long', ref: item.id });
    expect(item.status).toBe('failed');
    conv.disconnected();
    expect(sends(conv.apply({ type: 'ready', session: 's', seq: 0, history: [], resumed: true }))).toEqual([]);
  });

  it('bounds the offline queue', () => {
    let n = 0;
    const conv = new Conversation({ newId: () => `m${++n}`, maxQueued: 3 });
    for (let i = 0; i < 3; i++) expect(conv.send(`q${i}`, false)).not.toBeNull();
    expect(conv.send('one too many', false)).toBeNull();
  });

  it('records one ticket per handoff, updating its status', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    expect(conv.apply({ type: 'handoff', seq: 1, ticket: 't_1', status: 'open' })).toEqual([
      { type: 'handoff', item: { kind: 'ticket', id: 't_1', status: 'open' }, changed: true },
    ]);
    conv.apply({ type: 'handoff', seq: 2, ticket: 't_1', status: 'solved' });
    expect(conv.items).toEqual([{ kind: 'ticket', id: 't_1', status: 'solved' }]);
  });

  it('rates an answer once per choice', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [] });
    applyAll(conv, turn(1, 'q', 'a', ['x']));
    expect(conv.rate('a', 'down')).toEqual({ type: 'feedback', answer: 'a', rating: 'down' });
    expect(conv.rate('a', 'down')).toBeNull();
    expect(conv.rate('nope', 'up')).toBeNull();
  });

  it('reset starts a new conversation and ignores the old one still streaming', () => {
    const { conv } = setup();
    conv.apply({ type: 'ready', session: 's_old', seq: 0, history: [] });
    applyAll(conv, turn(1, 'q', 'a', ['x']).slice(0, 3));
    conv.reset();
    expect(conv.hello()).toEqual({ type: 'hello', v: 1, locale: 'en' });
    expect(conv.apply({ type: 'answer.delta', seq: 4, id: 'a', text: 'late' })).toEqual([]);
    const effects = conv.apply({ type: 'ready', session: 's_new', seq: 0, history: [] });
    expect(effects[0]).toEqual({ type: 'ready', session: 's_new', fresh: true });
    expect(conv.items).toEqual([]);
  });
});
