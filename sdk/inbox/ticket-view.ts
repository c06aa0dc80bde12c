import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ServerEvent } from '@support-chat/protocol/frames';
import type { AgentSocketFrame, TicketSummary } from '@support-chat/protocol/inbox';
import { ApiError, errorText, type InboxApi, type Me } from './api';
import type { InboxComposer } from './composer';
import './composer';
import { ageWords, holder } from './queue';
import { TicketSocket, type SocketState } from './socket';
import { base, ticketCss } from './styles';
import { addReply, applyEvent, rebase, remember, type Timeline } from './timeline';
import { transcriptView } from './transcript-view';
import { TypingSignal, VisitorTyping } from './typing';

/**
 * One ticket: its transcript from `GET /agent/api/tickets/:id`, kept live by the ticket's
 * socket (events after the loaded `seq` only), and what an agent does with it: take it, reply,
 * ask for a suggested reply, close it.
 *
 * @event ticket-changed - the ticket's state changed (the queue should refresh).
 */
@customElement('inbox-ticket')
export class InboxTicket extends LitElement {
  static override styles = [base, ticketCss];

  @property({ attribute: false }) api!: InboxApi;
  @property({ attribute: false }) me!: Me;
  @property() ticketId = '';

  @state() private summary: TicketSummary | null = null;
  @state() private timeline: Timeline | null = null;
  @state() private loadError = '';
  @state() private conn: SocketState = 'connecting';
  @state() private actionError = '';
  @state() private taken: string | null = null;
  @state() private confirming = false;
  @state() private busy: '' | 'assign' | 'close' | 'suggest' = '';
  @state() private said = '';
  @state() private otherTyping = '';
  @query('.log') private log?: HTMLElement;
  @query('inbox-composer') private composer?: InboxComposer;

  private socket: TicketSocket | null = null;
  private heard: ServerEvent[] = [];
  private loading: Promise<void> | null = null;
  private again = false;
  private readonly visitor = new VisitorTyping();
  private readonly typing = new TypingSignal();
  private lapse: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.teardown();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ticketId')) {
      this.teardown();
      this.summary = null;
      this.timeline = null;
      this.loadError = '';
      this.actionError = '';
      this.taken = null;
      this.confirming = false;
      if (this.ticketId) void this.reload().then(() => this.watch());
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The log is anchored at its end (styles: column-reverse): 0 is the newest message.
    if (changed.has('ticketId') && this.log) this.log.scrollTop = 0;
  }

  override render() {
    if (this.loadError && !this.summary) return html`<p class="alert" role="alert">${this.loadError}</p>${this.backButton()}`;
    const t = this.summary;
    if (!t || !this.timeline) return html`<p class="loading" role="status">Loading the conversation…</p>`;
    const who = holder(t, this.me.id);
    const open = t.status !== 'closed';
    return html`<div class="bar">
        ${this.backButton()}
        <div class="title">
          <h2 id="ticket-title" tabindex="-1">Ticket #${t.number}</h2>
          <span class=${`badge ${open ? 'open' : ''}`}>${open ? 'Open' : 'Closed'}</span>
          ${t.priority === 'high' ? html`<span class="badge high">High priority</span>` : nothing}
          <span class="meta">${[t.siteId, `opened ${ageWords(t.createdAt)}`, who.label, t.reason ? `“${t.reason}”` : '', t.contactEmail ? `email: ${t.contactEmail}` : ''].filter(Boolean).join(' · ')}</span>
        </div>
        <div class="actions">
          ${open && who.kind !== 'mine' ? html`<button class="btn primary" @click=${() => this.assign(false)} ?disabled=${!!this.busy}>Assign to me</button>` : nothing}
          ${open ? html`<button class="btn" @click=${this.suggest} ?disabled=${!!this.busy}>${this.busy === 'suggest' ? 'Suggesting…' : 'Suggest a reply'}</button>` : nothing}
          ${open ? html`<button class="btn danger" @click=${() => (this.confirming = true)} ?disabled=${!!this.busy}>Close</button>` : nothing}
        </div>
      </div>
      ${this.banners(t)}
      <div class="log" role="log" aria-label=${`Conversation of ticket #${t.number}`} tabindex="0"><div>${transcriptView(this.timeline.items)}</div></div>
      <p class="typing" aria-hidden="true">${this.visitor.active ? 'Visitor is typing…' : this.otherTyping ? `${this.otherTyping} is typing…` : ''}
        ${this.conn === 'reconnecting' ? html`<span class="conn">Reconnecting…</span>` : nothing}</p>
      <p class="sr" aria-live="polite">${this.said}</p>
      <inbox-composer
        .send=${(text: string) => this.reply(text)}
        ?disabled=${!open}
        placeholder=${open ? 'Write a reply…' : 'This ticket is closed: the assistant answers the visitor again.'}
        @agent-typing=${(e: CustomEvent<string>) => this.signal(this.typing.input(e.detail))}
      ></inbox-composer>`;
  }

  private backButton() {
    return html`<button class="btn back" @click=${() => (location.hash = '')} aria-label="Back to the queue">← Queue</button>`;
  }

  private banners(t: TicketSummary) {
    if (this.confirming) {
      return html`<div class="banner notice" role="alertdialog" aria-label="Close this ticket?">
        <p>Close ticket #${t.number}? The assistant will answer the visitor again.</p>
        <button class="btn danger primary" @click=${this.close} ?disabled=${this.busy === 'close'}>Close ticket</button>
        <button class="btn" @click=${() => (this.confirming = false)}>Cancel</button>
      </div>`;
    }
    if (this.taken) {
      return html`<div class="banner notice" role="alert">
        <p>${this.taken} is handling this ticket.</p>
        <button class="btn" @click=${() => this.assign(true)} ?disabled=${!!this.busy}>Take over</button>
        <button class="btn" @click=${() => (this.taken = null)}>Leave it</button>
      </div>`;
    }
    return this.actionError ? html`<div class="banner"><p class="alert" role="alert">${this.actionError}</p></div>` : nothing;
  }

  /** Loads the detail (again), keeping the events heard meanwhile that are newer than it. */
  private reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    const id = this.ticketId;
    this.loading = (async () => {
      try {
        const detail = await this.api.ticket(id);
        if (id !== this.ticketId) return;
        this.summary = detail.ticket;
        this.timeline = rebase(detail, this.heard.filter((e) => e.seq > detail.seq));
        this.loadError = '';
      } catch (err) {
        if (id === this.ticketId) this.loadError = err instanceof ApiError && err.code === 'not_found' ? 'This ticket does not exist, or belongs to another site.' : errorText(err);
      } finally {
        this.loading = null;
        if (this.again) {
          this.again = false;
          void this.reload();
        }
      }
    })();
    return this.loading;
  }

  private watch(): void {
    if (!this.ticketId || this.socket || (this.loadError && !this.summary)) return;
    this.socket = new TicketSocket(this.ticketId, {
      frame: (f) => this.frame(f),
      state: (s, detail) => {
        this.conn = s;
        if (s === 'open' && detail?.reconnected) void this.reload();
        if (s === 'refused' && detail?.code === 'session_expired') this.dispatchEvent(new CustomEvent('session-expired', { bubbles: true, composed: true }));
      },
    });
  }

  private frame(f: AgentSocketFrame): void {
    if (f.type === 'watching') {
      if (this.timeline && f.seq > this.timeline.seq) void this.reload();
      return;
    }
    if (f.type === 'typing') {
      if (f.who === 'visitor') {
        const wait = this.visitor.signal(f.active);
        clearTimeout(this.lapse);
        if (wait) this.lapse = setTimeout(() => this.requestUpdate(), wait + 50);
        this.requestUpdate();
      } else if (f.name !== this.me.name) this.otherTyping = f.active ? (f.name ?? 'Another agent') : '';
      return;
    }
    if (f.type === 'pong' || f.type === 'error' || !('seq' in f)) return;
    this.heard = remember(this.heard, f);
    if (!this.timeline) return;
    const applied = applyEvent(this.timeline, f);
    this.timeline = applied.timeline;
    if (f.type === 'ack') this.visitor.stop();
    if (f.type === 'agent.message' && f.agent.name !== this.me.name) this.otherTyping = '';
    if (applied.said) this.said = applied.said;
    if (applied.reload || applied.ticket) void this.reload();
    if (applied.ticket) this.changed();
  }

  private signal(frame: ReturnType<TypingSignal['input']>): void {
    if (frame) this.socket?.send(frame);
  }

  private async reply(text: string): Promise<string | null> {
    try {
      const { message, ticket } = await this.api.reply(this.ticketId, text);
      this.signal(this.typing.stop());
      this.summary = ticket;
      if (this.timeline) this.timeline = addReply(this.timeline, message);
      if (this.log) this.log.scrollTop = 0;
      this.changed();
      return null;
    } catch (err) {
      return errorText(err);
    }
  }

  private async assign(force: boolean): Promise<void> {
    await this.act('assign', async () => {
      try {
        this.summary = await this.api.assign(this.ticketId, force);
        this.taken = null;
        this.changed();
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== 'ticket_taken') throw err;
        this.taken = err.assignee?.name ?? err.message.replace(/ holds ticket.*$/, '');
      }
    });
  }

  private async close(): Promise<void> {
    await this.act('close', async () => {
      this.summary = await this.api.close(this.ticketId);
      this.confirming = false;
      this.signal(this.typing.stop());
      this.changed();
    });
  }

  private async suggest(): Promise<void> {
    await this.act('suggest', async () => {
      const s = await this.api.suggest(this.ticketId);
      this.composer?.suggest(s);
    });
  }

  private async act(kind: InboxTicket['busy'], run: () => Promise<void>): Promise<void> {
    this.busy = kind;
    this.actionError = '';
    try {
      await run();
    } catch (err) {
      this.actionError = errorText(err);
      if (err instanceof ApiError && err.code === 'ticket_closed') void this.reload();
    } finally {
      this.busy = '';
    }
  }

  private changed(): void {
    this.dispatchEvent(new CustomEvent('ticket-changed', { bubbles: true, composed: true }));
  }

  private teardown(): void {
    this.signal(this.typing.stop());
    this.socket?.close();
    this.socket = null;
    this.heard = [];
    clearTimeout(this.lapse);
    this.visitor.stop();
    this.otherTyping = '';
    this.conn = 'connecting';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'inbox-ticket': InboxTicket;
  }
}
