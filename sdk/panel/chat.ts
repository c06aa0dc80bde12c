import { Link, socketUrl, type LinkState } from '../client/connection';
import { Conversation, phase, type AnswerItem, type Effect, type TicketItem } from '../client/conversation';
import { eraseSession, newId, readSession, storageKey, writeSession, type StoredSession } from '../client/storage';
import { TypingSignal } from '../client/typing';
import type { PanelHost } from '../element/host';
import type { ClientFrame } from '@support-chat/protocol/frames';
import { handoffView, loadHandoff, type Handoff } from './handoff-load';
import { fill, resolveLocale, type Strings } from './i18n';
import { plain } from './markdown-view';

export type Notice = { kind: 'limited'; until: number } | { kind: 'error' } | { kind: 'refused' } | { kind: 'full' };

/**
 * The panel's state and what the visitor can do, between the pure conversation, the socket
 * and the element's events. Every change calls `changed`; the view reads the fields.
 */
export class Chat {
  conv!: Conversation;
  linkState: LinkState = 'idle';
  retryAt = 0;
  /** `ready` received on the current socket: messages may go out. */
  ready = false;
  notice: Notice | undefined;
  /** What the live region says next: each finished answer, person's reply and hand-off change, once. */
  announce = '';
  /** The address the visitor left for a person's reply: only this tab knows it (the server never echoes it). */
  email: string | undefined;
  /** The address went out and the ticket has not confirmed it yet. */
  emailPending = false;
  private readonly typing = new TypingSignal();
  private link: Link | undefined;
  private key = '';
  private resyncs = 0;
  private wantHandoff = false;
  private erasable: StoredSession | undefined;
  private timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly host: PanelHost, private readonly changed: () => void) {
    this.configure();
  }

  get strings(): Strings {
    const c = this.host.config();
    return { ...resolveLocale(c.locale).strings, ...c.strings };
  }

  get active(): boolean {
    return this.link !== undefined;
  }

  /** Follows `site`, `endpoint` and `locale`: another site or server is another conversation. */
  configure(): void {
    const c = this.host.config();
    const key = storageKey(c.endpoint, c.site);
    if (key === this.key) {
      this.conv.locale = resolveLocale(c.locale).lang;
      return;
    }
    const wasActive = this.active;
    this.stop();
    this.key = key;
    const stored = readSession(key);
    this.conv = new Conversation({ newId, session: stored?.id, resume: stored?.resume, locale: resolveLocale(c.locale).lang });
    if (wasActive) this.activate();
  }

  /** A conversation stored from an earlier visit: an inline panel may show it straight away. */
  get remembered(): boolean {
    return this.conv.session !== undefined;
  }

  activate(): void {
    if (this.link) return;
    const c = this.host.config();
    this.link = new Link(() => socketUrl(c.endpoint, c.site, this.conv.session, c.key), {
      open: () => this.out(this.conv.hello()),
      frame: (f) => this.effects(this.conv.apply(f)),
      state: (state, retryAt) => {
        this.linkState = state;
        this.retryAt = retryAt ?? 0;
        if (state !== 'open') {
          this.ready = false;
          this.conv.disconnected();
        }
        if (state === 'refused') this.refuse('forbidden_origin');
        this.changed();
      },
    });
    this.link.start();
  }

  /**
   * Refused for good (the link does not retry): the visitor is told, the site's owner warned once.
   * The owner's explanation is a file of its own beside the panel: most pages are never refused.
   */
  private refuse(code: string): void {
    if (this.notice?.kind !== 'refused') {
      const c = this.host.config();
      import('./owner-warning')
        .then((m) => m.ownerWarning(code, c), () => `<support-chat>: the server at ${c.endpoint} refused this page (${code}).`)
        .then((words) => console.warn(words));
    }
    this.notice = { kind: 'refused' };
  }

  /** Nothing will go out on this page: waiting messages are shown as not sent. */
  get refused(): boolean {
    return this.notice?.kind === 'refused' || this.linkState === 'refused';
  }

  stop(): void {
    this.link?.stop();
    this.link = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  send(text: string): void {
    text = text.trim();
    if (!text) return;
    this.activate();
    const sent = this.conv.send(text, this.ready);
    if (!sent) {
      this.notice = { kind: 'full' };
    } else {
      if (sent.frame) this.out(sent.frame);
      this.host.emit('support-chat-message', { id: sent.item.id, text });
      this.stopTyping();
    }
    this.changed();
  }

  /** The input changed: a person holding the ticket sees that the visitor is typing (nobody else needs it). */
  typed(text: string): void {
    const f = this.conv.live() ? this.typing.input(text) : this.typing.stop();
    if (f) this.out(f);
  }

  /** Where a person's reply can reach the visitor when nobody is online. */
  contact(email: string): void {
    this.email = email;
    this.emailPending = this.out({ type: 'contact', email });
    this.changed();
  }

  rate(answer: string, rating: 'up' | 'down'): void {
    const frame = this.conv.rate(answer, rating);
    if (frame) this.out(frame);
    this.changed();
  }

  /** Asks for a person; false when a ticket is open already (the panel shows it instead of opening another). */
  handoff(): boolean {
    const live = this.conv.live();
    if (live) {
      this.sayTicket(live);
      this.changed();
      return false;
    }
    this.activate();
    // The card's file is fetched while the server opens the ticket, not after.
    void loadHandoff();
    if (this.ready) this.out({ type: 'handoff' });
    else this.wantHandoff = true;
    return true;
  }

  /**
   * Runs `fn` with the hand-off's file, loading it first if need be: its words ship there. A file
   * that cannot load leaves the live region silent; the view shows what it can.
   */
  private withHandoff(fn: (h: Handoff) => void): void {
    const now = handoffView();
    if (now) return fn(now);
    loadHandoff()?.then(() => {
      const h = handoffView();
      if (h) fn(h);
      this.changed();
    });
  }

  private sayTicket(t: TicketItem): void {
    this.withHandoff((h) => void (this.announce = h.ticketWords(t, this.strings, this.email)));
  }

  reset(): void {
    // The site erases what its widget resets: the old conversation goes from the server too.
    if (this.erasable) eraseSession(this.host.config(), this.erasable);
    this.erasable = undefined;
    writeSession(this.key, undefined);
    this.conv.reset();
    this.stopTyping();
    this.notice = undefined;
    this.announce = '';
    this.email = undefined;
    this.emailPending = false;
    // A new socket for the new conversation (its URL no longer names the old one).
    this.link?.retryNow();
    this.changed();
  }

  retry(): void {
    this.link?.retryNow();
  }

  dismiss(): void {
    this.notice = undefined;
    this.changed();
  }

  private out(frame: ClientFrame): boolean {
    return this.link?.send(frame) ?? false;
  }

  private stopTyping(): void {
    const f = this.typing.stop();
    if (f) this.out(f);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private effects(effects: Effect[]): void {
    for (const e of effects) {
      switch (e.type) {
        case 'send':
          this.out(e.frame);
          break;
        case 'ready':
          this.ready = true;
          if (this.notice?.kind !== 'limited') this.notice = undefined;
          writeSession(this.key, { id: e.session, ...(e.resume ? { resume: e.resume } : {}) });
          this.erasable = e.eraseOnReset && e.resume ? { id: e.session, resume: e.resume } : undefined;
          if (this.wantHandoff) this.out({ type: 'handoff' });
          this.wantHandoff = false;
          break;
        case 'resync':
          if (!e.full) this.out(this.conv.hello());
          // The stored history trails the stream by a moment: ask again a little later each time.
          else if (this.resyncs < 5) this.later(400 * ++this.resyncs, () => this.out(this.conv.hello(true)));
          break;
        case 'wake':
          this.later(Math.max(0, e.at - Date.now()), () => {
            if (this.ready) for (const f of this.conv.due()) this.out(f);
            this.changed();
          });
          break;
        case 'answer':
          this.resyncs = 0;
          this.answered(e.item);
          break;
        case 'handoff': {
          const t = e.item;
          if (t.contact) this.emailPending = false;
          if (phase(t) === 'closed') this.stopTyping();
          if (e.changed) this.sayTicket(t);
          this.host.emit('support-chat-handoff', { ticket: t.id, number: t.number, status: t.status, agent: t.agent });
          break;
        }
        case 'agent': {
          const { name, text } = e.item;
          this.withHandoff(() => void (this.announce = fill(this.strings.said, { name, text: plain(text) })));
          break;
        }
        case 'error':
          if (!e.ref) this.emailPending = false; // the address was refused, or never arrived: the form is back
          this.host.emit('support-chat-error', { code: e.code, message: e.message, retryAfter: e.retryAfter, ref: e.ref });
          if (e.code === 'rate_limited') this.notice = { kind: 'limited', until: Date.now() + (e.retryAfter ?? 5) * 1000 };
          else if (e.code === 'forbidden_origin' || e.code === 'unknown_site' || e.code === 'unauthorized') this.refuse(e.code);
          else if (e.code === 'unavailable' || e.code === 'internal') this.notice = { kind: 'error' };
          else if (e.code === 'unknown_session') writeSession(this.key, undefined); // the next socket's URL names none
          break;
      }
    }
    this.changed();
  }

  private answered(item: AnswerItem): void {
    this.announce = fill(this.strings.answered, { text: plain(item.text) });
    this.host.emit('support-chat-answer', {
      id: item.id,
      replyTo: item.replyTo,
      text: item.text,
      citations: item.citations,
      confidence: item.confidence ?? 0,
      handoff: item.handoff === true,
    });
  }
}

