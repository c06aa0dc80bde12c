/**
 * The inbox's transcript rules (sdk/inbox/timeline.ts): the loaded detail, then the socket's
 * events after its `seq` only; replays ignored, gaps and answers joined midway reloaded, the
 * agent's own reply shown once whether the POST or the socket said it first.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, ServerEvent } from '@support-chat/protocol/frames';
import { addReply, applyEvent, fromDetail, handoffLine, rebase, remember, type Timeline } from '../../../sdk/inbox/timeline';

const at = '2026-12-04T10:00:00.000Z';
const transcript: HistoryEntry[] = [
  { role: 'user', id: 'q1', text: 'Do you ship to Canada?', at },
  { role: 'assistant', id: 'a1', replyTo: 'q1', text: 'Yes [1].', citations: [{ n: 1, title: 'Shipping', url: '/help/shipping', snippet: '…' }], confidence: 0.9, at },
  { role: 'ticket', ticket: 't1', number: 1042, status: 'open', at },
];
const loaded = () => fromDetail({ transcript, seq: 7 });
const apply = (tl: Timeline, events: ServerEvent[]) => events.reduce((t, e) => applyEvent(t, e, at).timeline, tl);
const texts = (tl: Timeline) => tl.items.map((i) => `${i.kind}:${i.text}`);

describe('inbox timeline', () => {
  it('shows the transcript as loaded, the ticket as a line', () => {
    expect(texts(loaded())).toEqual(['user:Do you ship to Canada?', 'assistant:Yes [1].', 'note:Ticket #1042 opened: the visitor asked for a person']);
    expect(loaded().seq).toBe(7);
  });

  it('ignores events at or below the loaded seq (the socket replays what the detail had)', () => {
    const tl = loaded();
    for (const seq of [1, 6, 7]) {
      const r = applyEvent(tl, { type: 'ack', seq, id: `x${seq}`, text: 'old' }, at);
      expect(r.timeline).toBe(tl);
      expect(r.said).toBeNull();
    }
  });

  it('adds the visitor’s message, an agent’s reply and a streamed answer, announcing each', () => {
    let tl = loaded();
    let r = applyEvent(tl, { type: 'ack', seq: 8, id: 'q2', text: 'Where is my order?' }, at);
    expect(r.said).toBe('Visitor: Where is my order?');
    tl = r.timeline;
    tl = apply(tl, [
      { type: 'answer.start', seq: 9, id: 'a2', replyTo: 'q2', intent: 'order_status' },
      { type: 'answer.delta', seq: 10, id: 'a2', text: 'It ships ' },
      { type: 'answer.delta', seq: 11, id: 'a2', text: 'today.' },
    ]);
    const streaming = tl.items.at(-1)!;
    expect(streaming).toMatchObject({ kind: 'assistant', text: 'It ships today.', streaming: true });
    r = applyEvent(tl, { type: 'answer.end', seq: 12, id: 'a2', citations: [], confidence: 0.8 }, at);
    expect(r.timeline.items.at(-1)).toMatchObject({ streaming: false, confidence: 0.8 });
    expect(r.said).toBe('Assistant: It ships today.');
    expect(r.reload).toBe(false);
    r = applyEvent(r.timeline, { type: 'agent.message', seq: 13, id: 'g1', text: 'Hi, I’m Alex.', agent: { name: 'Alex' } }, at);
    expect(r.timeline.items.at(-1)).toMatchObject({ kind: 'agent', name: 'Alex', text: 'Hi, I’m Alex.' });
    expect(r.said).toBe('Alex: Hi, I’m Alex.');
    expect(r.timeline.seq).toBe(13);
  });

  it('a replayed event (same seq twice) and a message under a later number show once', () => {
    const ev: ServerEvent = { type: 'agent.message', seq: 8, id: 'g1', text: 'Hello', agent: { name: 'Alex' } };
    const tl = apply(loaded(), [ev, ev, { ...ev, seq: 9 }]);
    expect(tl.items.filter((i) => i.id === 'g1')).toHaveLength(1);
    expect(tl.seq).toBe(9);
  });

  it('the agent’s own reply shows once, whichever of the POST and the socket comes first', () => {
    const msg = { id: 'g7', text: 'On its way', agent: { name: 'Alex' }, at };
    const ev: ServerEvent = { type: 'agent.message', seq: 8, id: 'g7', text: 'On its way', agent: { name: 'Alex' } };
    const postFirst = apply(addReply(loaded(), msg), [ev]);
    const socketFirst = addReply(apply(loaded(), [ev]), msg);
    for (const tl of [postFirst, socketFirst]) expect(tl.items.filter((i) => i.id === 'g7')).toHaveLength(1);
    expect(postFirst.seq).toBe(8);
  });

  it('a gap in the numbers asks for the detail again; so does an answer joined midway, at its end', () => {
    expect(applyEvent(loaded(), { type: 'ack', seq: 9, id: 'q9', text: 'skipped one' }, at).reload).toBe(true);
    let r = applyEvent(loaded(), { type: 'answer.delta', seq: 8, id: 'a9', text: '…the rest' }, at);
    expect(r.reload).toBe(false);
    expect(r.timeline.items.at(-1)).toMatchObject({ kind: 'assistant', partial: true, text: '…the rest' });
    r = applyEvent(r.timeline, { type: 'answer.end', seq: 9, id: 'a9', citations: [], confidence: 1 }, at);
    expect(r.reload).toBe(true);
  });

  it('hand-off events add a line and say the ticket changed', () => {
    const r = applyEvent(loaded(), { type: 'handoff', seq: 8, ticket: 't1', number: 1042, status: 'open', agent: { name: 'Alex' } }, at);
    expect(r.ticket).toBe(true);
    expect(r.said).toBe('Alex joined the conversation');
    expect(handoffLine({ number: 1042, status: 'closed', agent: { name: 'Alex' } })).toBe('Ticket #1042 closed: the assistant answers again');
  });

  it('an ack without text (the visitor’s own tab) moves seq on and shows nothing', () => {
    const r = applyEvent(loaded(), { type: 'ack', seq: 8, id: 'q8' }, at);
    expect(r.timeline.items).toHaveLength(3);
    expect(r.timeline.seq).toBe(8);
  });

  it('rebase: a reloaded detail plus the newer events heard meanwhile, nothing twice', () => {
    const heard: ServerEvent[] = [
      { type: 'agent.message', seq: 9, id: 'g2', text: 'second', agent: { name: 'Alex' } },
      { type: 'agent.message', seq: 8, id: 'g1', text: 'first', agent: { name: 'Alex' } },
    ];
    // The reload already has g1 (seq 8): only g2 is added on top.
    const detail = { transcript: [...transcript, { role: 'agent' as const, id: 'g1', text: 'first', agent: { name: 'Alex' }, at }], seq: 8 };
    const tl = rebase(detail, heard);
    expect(texts(tl).slice(-2)).toEqual(['agent:first', 'agent:second']);
    expect(tl.seq).toBe(9);
  });

  it('remembers a bounded number of events', () => {
    let heard: ServerEvent[] = [];
    for (let seq = 1; seq <= 10; seq++) heard = remember(heard, { type: 'ack', seq, id: `q${seq}` }, 4);
    expect(heard.map((e) => e.seq)).toEqual([7, 8, 9, 10]);
  });
});
