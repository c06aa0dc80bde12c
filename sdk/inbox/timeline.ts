/**
 * A ticket's conversation as the inbox shows it: the transcript loaded over HTTP, then the
 * socket's events applied in order. Pure, so the rules are unit-tested without a browser:
 * - an event numbered at or below what is shown is already in it (`seq` dedupes a replay);
 * - a gap (an event after a missing number) asks for the detail again;
 * - a message is shown once by its id, whether it came from the socket or from the reply POST.
 */
import type { Citation, HistoryEntry, ServerEvent, TicketStatus } from '@support-chat/protocol/frames';
import type { AgentMessage, TicketDetail } from '@support-chat/protocol/inbox';

export type Item =
  | { kind: 'user'; id: string; text: string; at: string }
  | { kind: 'assistant'; id: string; text: string; citations: Citation[]; confidence: number | null; at: string; streaming: boolean; partial?: boolean }
  | { kind: 'agent'; id: string; text: string; name: string; at: string }
  /** A line about the hand-off: opened, joined, closed. */
  | { kind: 'note'; id: string; text: string; at: string; status: TicketStatus };

export interface Timeline {
  seq: number;
  items: Item[];
}

export interface Applied {
  timeline: Timeline;
  /** Something is missing (a skipped number, an answer joined midway): load the detail again. */
  reload: boolean;
  /** What changed, in words, for the screen reader's live region; null when nothing new shows. */
  said: string | null;
  /** The hand-off changed: the ticket's own state should be read again. */
  ticket: boolean;
}

export function fromDetail(detail: Pick<TicketDetail, 'transcript' | 'seq'>): Timeline {
  return { seq: detail.seq, items: detail.transcript.map(fromEntry) };
}

function fromEntry(e: HistoryEntry, i: number): Item {
  switch (e.role) {
    case 'user':
      return { kind: 'user', id: e.id, text: e.text, at: e.at };
    case 'assistant':
      return { kind: 'assistant', id: e.id, text: e.text, citations: e.citations, confidence: e.confidence, at: e.at, streaming: false };
    case 'agent':
      return { kind: 'agent', id: e.id, text: e.text, name: e.agent.name, at: e.at };
    case 'ticket':
      return { kind: 'note', id: `n${i}`, text: handoffLine(e, true), at: e.at, status: e.status };
  }
}

/**
 * What a hand-off reads as in the transcript. A live event says what just happened; a stored
 * ticket (`stored`) sits where it was opened and says how it stands now.
 */
export function handoffLine(t: { number?: number; status: TicketStatus; agent?: { name: string } }, stored = false): string {
  const name = t.number ? `Ticket #${t.number}` : 'Ticket';
  if (t.status === 'closed') return `${name} closed: the assistant answers again`;
  if (stored) return `${name} opened: the visitor asked for a person${t.agent ? ` · ${t.agent.name} joined` : ''}`;
  if (t.agent) return `${t.agent.name} joined the conversation`;
  return `${name} opened: the visitor asked for a person`;
}

/** One socket event; `now` stamps what the event does not date. */
export function applyEvent(tl: Timeline, ev: ServerEvent, now = new Date().toISOString()): Applied {
  const same: Applied = { timeline: tl, reload: false, said: null, ticket: false };
  if (ev.type === 'ready' || ev.seq <= tl.seq) return same;
  const reload = ev.seq > tl.seq + 1;
  const items = tl.items.slice();
  const next = (said: string | null, ticket = false, more = false): Applied => ({ timeline: { seq: ev.seq, items }, reload: reload || more, said, ticket });
  const at = (id: string) => items.findIndex((i) => i.id === id);
  switch (ev.type) {
    case 'ack':
      if (ev.text === undefined || at(ev.id) >= 0) return next(null);
      items.push({ kind: 'user', id: ev.id, text: ev.text, at: now });
      return next(`Visitor: ${ev.text}`);
    case 'answer.start':
      if (at(ev.id) < 0) items.push({ kind: 'assistant', id: ev.id, text: '', citations: [], confidence: null, at: now, streaming: true });
      return next(null);
    case 'answer.delta': {
      const i = at(ev.id);
      const cur = items[i];
      if (cur?.kind === 'assistant') items[i] = { ...cur, text: cur.text + ev.text };
      // Joined midway: what was said before this piece is in the stored answer, at its end.
      else items.push({ kind: 'assistant', id: ev.id, text: ev.text, citations: [], confidence: null, at: now, streaming: true, partial: true });
      return next(null);
    }
    case 'answer.end': {
      const i = at(ev.id);
      const cur = items[i];
      if (cur?.kind !== 'assistant') return next(null, false, true);
      items[i] = { ...cur, citations: ev.citations, confidence: ev.confidence, streaming: false };
      return next(`Assistant: ${cur.text}`, false, !!cur.partial);
    }
    case 'agent.message':
      if (at(ev.id) >= 0) return next(null);
      items.push({ kind: 'agent', id: ev.id, text: ev.text, name: ev.agent.name, at: now });
      return next(`${ev.agent.name}: ${ev.text}`);
    case 'handoff': {
      const text = handoffLine(ev);
      items.push({ kind: 'note', id: `h${ev.seq}`, text, at: now, status: ev.status });
      return next(text, true);
    }
  }
  return same;
}

/** A reply the agent just sent, from the POST's answer: once, even if the socket said it first. */
export function addReply(tl: Timeline, m: AgentMessage): Timeline {
  if (tl.items.some((i) => i.id === m.id)) return tl;
  return { seq: tl.seq, items: [...tl.items, { kind: 'agent', id: m.id, text: m.text, name: m.agent.name, at: m.at }] };
}

/**
 * The detail loaded again (after a gap or a reconnect), with the events heard meanwhile that
 * are newer than it applied on top: nothing shown twice, nothing lost.
 */
export function rebase(detail: Pick<TicketDetail, 'transcript' | 'seq'>, heard: readonly ServerEvent[]): Timeline {
  let tl = fromDetail(detail);
  for (const ev of [...heard].sort((a, b) => a.seq - b.seq)) tl = applyEvent(tl, ev, undefined).timeline;
  return tl;
}

/** Keeps the last `max` events, for `rebase`. */
export function remember(heard: ServerEvent[], ev: ServerEvent, max = 200): ServerEvent[] {
  const out = heard.length >= max ? heard.slice(heard.length - max + 1) : heard.slice();
  out.push(ev);
  return out;
}
