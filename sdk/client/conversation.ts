import type { ClientFrame, HistoryEntry, Intro, MessageFrame, ServerFrame } from '@support-chat/protocol/frames';
import { keyOf, phase, type AgentItem, type AnswerItem, type Effect, type Item, type TicketItem, type UserItem } from './items';
import { PROTOCOL_VERSION, TYPING_LAPSE_MS } from './limits';

/** Characters a visitor cannot mean to send (tab and newline stay). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * The client's side of protocol v1, with no DOM and no socket: what the visitor sees (items),
 * the last event applied (seq), and the messages not yet acknowledged (the outbox). Every
 * server frame goes through `apply`, which is idempotent, so replays, resends and several
 * tabs never show anything twice. The widget turns the returned effects into I/O.
 */

export * from './items';

export interface ConversationOptions {
  newId(): string;
  now?(): number;
  session?: string;
  /** The secret that resumes `session`. */
  resume?: string;
  locale?: string;
  /** Messages waiting to be sent at most; beyond it `send` refuses. */
  maxQueued?: number;
}

export class Conversation {
  session: string | undefined;
  /** Shown with `session` in hello: the id alone resumes nothing. */
  resume: string | undefined;
  /** The last event applied: the `after` of the next resume. */
  seq = 0;
  items: Item[] = [];
  locale: string | undefined;
  /** The site's empty state, from the last `ready`. */
  intro: Intro | undefined;
  /** Whether a server's view was ever applied for `session`, so `after` means something. */
  private synced = false;
  /** A resync hello is on its way: one is enough until its `ready` comes back. */
  private resyncing = false;
  /** Reset: events still arriving belong to the old conversation, until the new `ready`. */
  private waiting = false;
  /** A person is typing: their name, until the signal lapses. */
  private typing: { name: string; until: number } | undefined;
  private readonly maxQueued: number;
  private readonly now: () => number;

  constructor(private readonly opts: ConversationOptions) {
    this.session = opts.session;
    this.resume = opts.resume;
    this.locale = opts.locale;
    this.maxQueued = opts.maxQueued ?? 20;
    this.now = opts.now ?? Date.now;
  }

  /** The first frame on every (re)connection: resume after `seq` when there is a view to keep. */
  hello(full = false): ClientFrame {
    return {
      type: 'hello',
      v: PROTOCOL_VERSION,
      ...(this.session ? { session: this.session } : {}),
      ...(this.session && this.resume ? { resume: this.resume } : {}),
      ...(this.session && this.synced && !full ? { after: this.seq } : {}),
      ...(this.locale ? { locale: this.locale } : {}),
    };
  }

  /** A new message from the visitor; null when too many already wait (the UI says so). */
  send(text: string, online: boolean): { item: UserItem; frame: MessageFrame | null } | null {
    if (this.queued().length >= this.maxQueued) return null;
    // Control characters mean nothing in a message, and each would go out as a six-byte escape.
    text = text.replace(CONTROL, '');
    const item: UserItem = { kind: 'user', id: this.opts.newId(), text, status: online ? 'sent' : 'pending' };
    this.items.push(item);
    return { item, frame: online ? { type: 'message', id: item.id, text } : null };
  }

  /** The socket went away: whatever was sent but not acknowledged goes out again later. */
  disconnected(): void {
    for (const m of this.queued()) if (m.status === 'sent') m.status = 'pending';
  }

  /** Messages to (re)send now, marked sent; the server drops ids it already has. */
  due(): MessageFrame[] {
    const now = this.now();
    return this.queued()
      .filter((m) => m.status === 'pending' && (m.retryAt ?? 0) <= now)
      .map((m) => {
        m.status = 'sent';
        m.retryAt = undefined;
        return { type: 'message', id: m.id, text: m.text };
      });
  }

  /** Messages typed but not yet acknowledged, oldest first. */
  queued(): UserItem[] {
    return this.items.filter((i): i is UserItem => i.kind === 'user' && (i.status === 'pending' || i.status === 'sent'));
  }

  rate(answer: string, rating: 'up' | 'down'): ClientFrame | null {
    const item = this.find('answer', answer);
    if (!item || !item.done || item.rating === rating) return null;
    item.rating = rating;
    return { type: 'feedback', answer, rating };
  }

  /** Forget this conversation: the next hello starts a new one. */
  reset(): void {
    this.session = undefined;
    this.resume = undefined;
    this.seq = 0;
    this.items = [];
    this.synced = false;
    this.resyncing = false;
    this.waiting = true;
    this.typing = undefined;
  }

  /** The latest ticket while it is open (queued or with a person), else undefined. */
  live(): TicketItem | undefined {
    let t: TicketItem | undefined;
    for (const i of this.items) if (i.kind === 'ticket') t = i;
    return t && phase(t) !== 'closed' ? t : undefined;
  }

  /** Who is typing (a name, or '' when the server gave none), until it lapses; else undefined. */
  typist(): string | undefined {
    return this.typing && this.typing.until > this.now() ? this.typing.name : undefined;
  }

  apply(frame: ServerFrame): Effect[] {
    switch (frame.type) {
      case 'pong':
        return [];
      case 'error':
        return this.error(frame);
      case 'ready':
        return this.ready(frame);
      case 'typing': {
        if (frame.who !== 'agent' || this.waiting) return [];
        const until = this.now() + TYPING_LAPSE_MS;
        this.typing = frame.active ? { name: frame.name ?? this.live()?.agent?.name ?? '', until } : undefined;
        // Shown until then unless repeated: the panel looks again at that time.
        return frame.active ? [{ type: 'wake', at: until }] : [];
      }
    }
    if (this.waiting || frame.seq <= this.seq) return []; // seen already: a replay overlapping what arrived live
    if (frame.seq > this.seq + 1) return this.resync(false); // a gap: ask for what is missing
    this.seq = frame.seq;
    switch (frame.type) {
      case 'ack': {
        let item = this.find('user', frame.id);
        if (!item) this.items.push((item = { kind: 'user', id: frame.id, text: '', status: 'acked', unknown: true }));
        // Sent from another tab of this visitor: its words come with the ack.
        if (item.unknown && frame.text != null) {
          item.text = frame.text;
          item.unknown = undefined;
        }
        item.status = 'acked';
        item.retryAt = undefined;
        return [];
      }
      case 'answer.start': {
        const item = this.find('answer', frame.id);
        if (item) item.replyTo = frame.replyTo;
        else this.items.push({ kind: 'answer', id: frame.id, replyTo: frame.replyTo, text: '', done: false, citations: [] });
        return [];
      }
      case 'answer.delta': {
        const item = this.answer(frame.id);
        if (!item.done) item.text += frame.text;
        return [];
      }
      case 'answer.end': {
        const item = this.answer(frame.id);
        if (item.done) return [];
        Object.assign(item, { done: true, citations: frame.citations, confidence: frame.confidence, handoff: frame.handoff });
        const effects: Effect[] = item.partial ? [] : [{ type: 'answer', item }];
        // Something was joined midway: the stored history has the whole of it now.
        return this.unresolved() ? effects.concat(this.resync(true)) : effects;
      }
      case 'handoff': {
        const old = this.find('ticket', frame.ticket);
        const item: TicketItem = {
          kind: 'ticket',
          id: frame.ticket,
          number: frame.number ?? old?.number,
          status: frame.status,
          // Closed: who had it still names the "left" line.
          agent: frame.agent ?? (phase(frame) === 'closed' ? old?.agent : undefined),
          offline: frame.offline,
          contact: frame.contact,
          after: old?.after,
        };
        const was = old && phase(old);
        const now = phase(item);
        if (now === 'closed') {
          this.typing = undefined;
          // Where the person left, as the visitor saw it: after whatever came last.
          const last = this.items[this.items.length - 1];
          if (was !== 'closed') item.after = last && last !== old ? keyOf(last) : undefined;
        }
        if (old) this.items[this.items.indexOf(old)] = item;
        else this.items.push(item);
        return [{ type: 'handoff', item, changed: was !== now || (!!item.contact && !old?.contact) }];
      }
      case 'agent.message': {
        this.typing = undefined;
        if (this.find('agent', frame.id)) return [];
        const item: AgentItem = { kind: 'agent', id: frame.id, text: frame.text, name: frame.agent.name };
        this.items.push(item);
        return [{ type: 'agent', item }];
      }
    }
    return [];
  }

  private ready(frame: Extract<ServerFrame, { type: 'ready' }>): Effect[] {
    const fresh = frame.session !== this.session;
    if (fresh) {
      // A new conversation (first visit, reset, or the old one is gone): only unsent words carry over.
      this.items = this.queued().map((m) => ({ ...m, status: 'pending' as const }));
    }
    this.session = frame.session;
    if (frame.intro) this.intro = frame.intro;
    if (frame.resume) this.resume = frame.resume;
    else if (fresh) this.resume = undefined;
    this.seq = frame.seq;
    this.synced = true;
    this.resyncing = false;
    this.waiting = false;
    if (!frame.resumed) this.merge(frame.history);
    const effects: Effect[] = [{ type: 'ready', session: frame.session, resume: this.resume, fresh, ...(frame.eraseOnReset && { eraseOnReset: true as const }) }];
    for (const f of this.due()) effects.push({ type: 'send', frame: f });
    // Still not in the history (its write can trail the stream by a moment): ask again.
    if (!frame.resumed && this.unresolved()) effects.push(...this.resync(true));
    return effects.concat(this.wake());
  }

  /** Items joined midway that the history has not filled in yet, once none is still streaming. */
  private unresolved(): boolean {
    const midway = this.items.filter((i) => (i.kind === 'answer' && i.partial) || (i.kind === 'user' && i.unknown));
    return midway.length > 0 && midway.every((i) => i.kind !== 'answer' || i.done);
  }

  private resync(full: boolean): Effect[] {
    if (this.resyncing) return [];
    this.resyncing = true;
    return [{ type: 'resync', full }];
  }

  /**
   * The stored history, in its order, then what only this client knows (unsent messages, an
   * answer still streaming, tickets): nothing the visitor saw disappears and nothing doubles.
   */
  private merge(history: HistoryEntry[]): void {
    const local = new Map(this.items.map((i) => [keyOf(i), i]));
    const merged: Item[] = history.map((h): Item => {
      if (h.role === 'user') {
        return { kind: 'user', id: h.id, text: h.text, status: 'acked' };
      }
      if (h.role === 'agent') return { kind: 'agent', id: h.id, text: h.text, name: h.agent.name };
      if (h.role === 'ticket') {
        const { role, at, ticket, ...state } = h;
        return { kind: 'ticket', id: ticket, ...state, after: (local.get(`ticket:${ticket}`) as TicketItem | undefined)?.after };
      }
      const mine = local.get(`answer:${h.id}`) as AnswerItem | undefined;
      return {
        kind: 'answer',
        id: h.id,
        replyTo: h.replyTo,
        text: h.text,
        done: true,
        citations: h.citations,
        confidence: h.confidence,
        handoff: mine?.handoff,
        rating: mine?.rating,
      };
    });
    const known = new Set(merged.map(keyOf));
    for (const i of this.items) if (!known.has(keyOf(i))) merged.push(i);
    this.items = merged;
  }

  private error(frame: Extract<ServerFrame, { type: 'error' }>): Effect[] {
    const effect: Effect = { type: 'error', code: frame.code, message: frame.message, retryAfter: frame.retryAfter, ref: frame.ref };
    if (frame.code === 'unknown_session') {
      // The server will not resume it (its secret is gone): a new conversation, unsent words kept.
      this.session = undefined;
      this.resume = undefined;
      this.synced = false;
      return [effect];
    }
    const item = frame.ref ? this.find('user', frame.ref) : undefined;
    if (!item || item.status === 'acked') return [effect];
    if (frame.code === 'rate_limited') {
      // Not stored by the server, so the same id goes again once the window allows.
      item.status = 'pending';
      item.retryAt = this.now() + Math.max(1, frame.retryAfter ?? 5) * 1000;
      return [effect, ...this.wake()];
    }
    if (frame.code === 'unavailable') {
      item.status = 'pending';
      item.retryAt = this.now() + 3000;
      return [effect, ...this.wake()];
    }
    item.status = 'failed';
    return [effect];
  }

  private wake(): Effect[] {
    const times = this.queued().map((m) => m.retryAt ?? 0).filter((t) => t > this.now());
    return times.length ? [{ type: 'wake', at: Math.min(...times) }] : [];
  }

  private answer(id: string): AnswerItem {
    let item = this.find('answer', id);
    if (!item) this.items.push((item = { kind: 'answer', id, replyTo: '', text: '', done: false, citations: [], partial: true }));
    return item;
  }

  private find<K extends Item['kind']>(kind: K, id: string): Extract<Item, { kind: K }> | undefined {
    return this.items.find((i) => i.kind === kind && i.id === id) as Extract<Item, { kind: K }> | undefined;
  }
}
