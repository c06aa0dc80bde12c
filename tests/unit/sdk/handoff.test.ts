import { describe, expect, it } from 'vitest';
import { Conversation, phase, type AgentItem, type Effect, type TicketItem } from '../../../sdk/client/conversation';
import { TYPING_EVERY_MS, TypingSignal } from '../../../sdk/client/typing';
import { TYPING_LAPSE_MS, type HistoryEntry, type ServerFrame } from '@support-chat/protocol';

/** A conversation past its `ready`, with predictable ids and a clock the test moves. */
function setup(history: HistoryEntry[] = [], seq = 0) {
  let n = 0;
  const clock = { now: 1_000_000 };
  const conv = new Conversation({ newId: () => `m${++n}`, now: () => clock.now, session: 's', locale: 'en' });
  conv.apply({ type: 'ready', session: 's', seq, history });
  return { conv, clock };
}

const applyAll = (conv: Conversation, frames: ServerFrame[]) => frames.flatMap((f) => conv.apply(f));
const tickets = (conv: Conversation) => conv.items.filter((i): i is TicketItem => i.kind === 'ticket');
const agents = (conv: Conversation) => conv.items.filter((i): i is AgentItem => i.kind === 'agent');
const kinds = (conv: Conversation) => conv.items.map((i) => `${i.kind}:${i.id}`);
const handoffs = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'handoff' ? [e] : []));
const at = '2026-12-01T10:00:00Z';

describe('hand-off to a person: ticket states', () => {
  it('goes from the queue to a person to the assistant again, one ticket that keeps its number', () => {
    const { conv } = setup();
    const queued = conv.apply({ type: 'handoff', seq: 1, ticket: 't_9f', number: 1042, status: 'open' });
    expect(handoffs(queued)).toEqual([{ type: 'handoff', item: expect.objectContaining({ id: 't_9f', number: 1042, status: 'open' }), changed: true }]);
    expect(phase(tickets(conv)[0])).toBe('queued');
    expect(conv.live()?.id).toBe('t_9f');

    const joined = conv.apply({ type: 'handoff', seq: 2, ticket: 't_9f', number: 1042, status: 'open', agent: { name: 'Alex' } });
    expect(handoffs(joined)[0].changed).toBe(true);
    expect(phase(conv.live()!)).toBe('joined');
    conv.apply({ type: 'agent.message', seq: 3, id: 'am_1', text: 'Hi, I am Alex.', agent: { name: 'Alex' } });

    // The same state again (a second tab's request, a repeat): nothing new to say.
    expect(handoffs(conv.apply({ type: 'handoff', seq: 4, ticket: 't_9f', number: 1042, status: 'open', agent: { name: 'Alex' } }))[0].changed).toBe(false);

    // Closed: the name stays for "Alex left…" even if the event leaves it out, and nothing is live.
    const closed = conv.apply({ type: 'handoff', seq: 5, ticket: 't_9f', status: 'closed' });
    expect(handoffs(closed)[0]).toMatchObject({ changed: true, item: { status: 'closed', number: 1042, agent: { name: 'Alex' }, after: 'agent:am_1' } });
    expect(conv.live()).toBeUndefined();
    expect(tickets(conv)).toHaveLength(1);
    expect(kinds(conv)).toEqual(['ticket:t_9f', 'agent:am_1']);
  });

  it('a ticket with nobody online says so, and knows when the email was taken', () => {
    const { conv } = setup();
    conv.apply({ type: 'handoff', seq: 1, ticket: 't_1', number: 7, status: 'open', offline: true });
    expect(conv.live()).toMatchObject({ offline: true });
    expect(conv.live()!.contact).toBeUndefined();
    const taken = conv.apply({ type: 'handoff', seq: 2, ticket: 't_1', number: 7, status: 'open', offline: true, contact: true });
    expect(handoffs(taken)[0]).toMatchObject({ changed: true, item: { contact: true } });
  });

  it('a new ticket after a closed one is another item; only the latest can be live', () => {
    const { conv } = setup();
    applyAll(conv, [
      { type: 'handoff', seq: 1, ticket: 't_1', number: 1, status: 'open' },
      { type: 'handoff', seq: 2, ticket: 't_1', number: 1, status: 'closed' },
      { type: 'handoff', seq: 3, ticket: 't_2', number: 2, status: 'open' },
    ]);
    expect(tickets(conv).map((t) => [t.number, phase(t)])).toEqual([[1, 'closed'], [2, 'queued']]);
    expect(conv.live()?.number).toBe(2);
  });

  it('shows the stored state of each ticket after a reload, and live events update it in place', () => {
    const history: HistoryEntry[] = [
      { role: 'user', id: 'q1', text: 'A person, please', at },
      { role: 'ticket', ticket: 't_1', number: 1042, status: 'open', agent: { name: 'Alex' }, at },
      { role: 'agent', id: 'am_1', text: 'Hello!', agent: { name: 'Alex' }, at },
    ];
    const { conv } = setup(history, 6);
    expect(kinds(conv)).toEqual(['user:q1', 'ticket:t_1', 'agent:am_1']);
    expect(tickets(conv)[0]).toEqual({ kind: 'ticket', id: 't_1', number: 1042, status: 'open', agent: { name: 'Alex' } });
    expect(agents(conv)[0]).toEqual({ kind: 'agent', id: 'am_1', text: 'Hello!', name: 'Alex' });
    conv.apply({ type: 'handoff', seq: 7, ticket: 't_1', number: 1042, status: 'closed', agent: { name: 'Alex' } });
    expect(tickets(conv)).toHaveLength(1);
    // A later full history (a resync) keeps where it was closed, as this tab saw it.
    conv.apply({ type: 'ready', session: 's', seq: 7, history: [...history.slice(0, 1), { ...history[1], status: 'closed' } as HistoryEntry, history[2]] });
    expect(tickets(conv)[0]).toMatchObject({ status: 'closed', after: 'agent:am_1' });
  });
});

describe("a person's replies", () => {
  it('are shown once: the replay of a resume overlapping the live stream, and the same id again', () => {
    const { conv } = setup();
    const reply: ServerFrame = { type: 'agent.message', seq: 1, id: 'am_1', text: 'On it.', agent: { name: 'Alex' } };
    expect(conv.apply(reply)).toEqual([{ type: 'agent', item: { kind: 'agent', id: 'am_1', text: 'On it.', name: 'Alex' } }]);
    conv.disconnected();
    conv.apply({ type: 'ready', session: 's', seq: 0, history: [], resumed: true }); // the resume asked from before it
    expect(conv.apply(reply)).toEqual([]);
    expect(conv.apply({ ...reply, seq: 2 })).toEqual([]); // the same id under another number
    expect(agents(conv)).toHaveLength(1);
  });

  it('after a reload, the history has them and a late replay does not add them again', () => {
    const history: HistoryEntry[] = [
      { role: 'agent', id: 'am_1', text: 'Same words', agent: { name: 'Alex' }, at },
      { role: 'agent', id: 'am_2', text: 'Same words', agent: { name: 'Alex' }, at },
    ];
    const { conv } = setup(history, 4);
    // Two replies with the same words are two replies (ids, not words, tell them apart).
    expect(agents(conv).map((a) => a.id)).toEqual(['am_1', 'am_2']);
    conv.apply({ type: 'agent.message', seq: 5, id: 'am_2', text: 'Same words', agent: { name: 'Alex' } });
    expect(agents(conv)).toHaveLength(2);
    // A full resync while showing them: merged, not doubled.
    conv.apply({ type: 'ready', session: 's', seq: 5, history });
    expect(kinds(conv)).toEqual(['agent:am_1', 'agent:am_2']);
  });
});

describe('messages from another tab of the same visitor', () => {
  it("show the ack's text at once, once, and need no resync", () => {
    const { conv } = setup();
    const effects = applyAll(conv, [
      { type: 'ack', seq: 1, id: 'other', text: 'Sent from the other tab' },
      { type: 'ack', seq: 2, id: 'other', text: 'Sent from the other tab' },
    ]);
    expect(effects).toEqual([]);
    expect(conv.items).toEqual([{ kind: 'user', id: 'other', text: 'Sent from the other tab', status: 'acked' }]);
    // This tab's own message is not rewritten by its ack.
    const mine = conv.send('mine', true)!;
    conv.apply({ type: 'ack', seq: 3, id: mine.item.id, text: 'mine' });
    expect(conv.items.map((i) => (i.kind === 'user' ? [i.text, i.status, i.unknown] : i.kind))).toEqual([
      ['Sent from the other tab', 'acked', undefined],
      ['mine', 'acked', undefined],
    ]);
  });

  it('an older server (ack without text) still leaves the placeholder the history fills', () => {
    const { conv } = setup();
    conv.apply({ type: 'ack', seq: 1, id: 'other' });
    expect(conv.items[0]).toMatchObject({ unknown: true });
  });
});

describe("a person's typing", () => {
  it('shows their name, lapses without a repeat, and stops when they stop or their reply arrives', () => {
    const { conv, clock } = setup();
    conv.apply({ type: 'handoff', seq: 1, ticket: 't', status: 'open', agent: { name: 'Alex' } });
    expect(conv.typist()).toBeUndefined();
    expect(conv.apply({ type: 'typing', who: 'agent', active: true, name: 'Alex' })).toEqual([{ type: 'wake', at: clock.now + TYPING_LAPSE_MS }]);
    expect(conv.typist()).toBe('Alex');
    clock.now += TYPING_LAPSE_MS - 1000;
    conv.apply({ type: 'typing', who: 'agent', active: true, name: 'Alex' }); // repeated: stands again
    clock.now += TYPING_LAPSE_MS - 1000;
    expect(conv.typist()).toBe('Alex');
    clock.now += 1000;
    expect(conv.typist(), 'lapsed').toBeUndefined();

    conv.apply({ type: 'typing', who: 'agent', active: true });
    expect(conv.typist(), 'no name given: the person holding the ticket').toBe('Alex');
    conv.apply({ type: 'typing', who: 'agent', active: false });
    expect(conv.typist()).toBeUndefined();

    conv.apply({ type: 'typing', who: 'agent', active: true, name: 'Alex' });
    conv.apply({ type: 'agent.message', seq: 2, id: 'am', text: 'Here you go', agent: { name: 'Alex' } });
    expect(conv.typist()).toBeUndefined();

    conv.apply({ type: 'typing', who: 'agent', active: true, name: 'Alex' });
    conv.apply({ type: 'handoff', seq: 3, ticket: 't', status: 'closed', agent: { name: 'Alex' } });
    expect(conv.typist(), 'closed').toBeUndefined();
  });

  it("ignores the visitor's own typing echoed from another tab", () => {
    const { conv } = setup();
    expect(conv.apply({ type: 'typing', who: 'visitor', active: true })).toEqual([]);
    expect(conv.typist()).toBeUndefined();
  });
});

describe("the visitor's typing signal", () => {
  it('says it once, repeats at most every few seconds while typing goes on, and stops once', () => {
    const clock = { now: 0 };
    const t = new TypingSignal(() => clock.now);
    expect(t.input('H')).toEqual({ type: 'typing', active: true });
    const sent: unknown[] = [];
    for (let ms = 100; ms < 10_000; ms += 100) {
      clock.now = ms;
      const f = t.input('Hello'.repeat(1 + ms / 1000));
      if (f) sent.push([ms, f]);
    }
    expect(sent).toEqual([
      [TYPING_EVERY_MS, { type: 'typing', active: true }],
      [2 * TYPING_EVERY_MS, { type: 'typing', active: true }],
      [3 * TYPING_EVERY_MS, { type: 'typing', active: true }],
    ]);
    expect(TYPING_EVERY_MS).toBeLessThan(TYPING_LAPSE_MS); // repeated before the server lets it lapse
    expect(t.input('   '), 'cleared').toEqual({ type: 'typing', active: false });
    expect(t.input('')).toBeNull();
    expect(t.stop()).toBeNull();
    // Typing again right away starts again at once; sending stops it.
    expect(t.input('x')).toEqual({ type: 'typing', active: true });
    expect(t.stop()).toEqual({ type: 'typing', active: false });
  });
});
