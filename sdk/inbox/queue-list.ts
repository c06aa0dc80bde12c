import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { TicketSummary } from '@support-chat/protocol/inbox';
import type { QueueStatus } from './api';
import { ageLabel, ageWords, holder, oneLine } from './queue';
import { base, queueCss } from './styles';

/**
 * The queue: Open and Closed tabs, one row a ticket (its number, age, priority, site, the
 * visitor's first question, the assistant's last answer, who holds it). Rows are links to
 * `#t=<id>`, so a ticket has an address and the keyboard moves through them as links.
 *
 * @event status-change - `detail` is the tab chosen: 'open' or 'closed'.
 * @event load-more - the next page is wanted.
 */
@customElement('inbox-queue')
export class InboxQueue extends LitElement {
  static override styles = [base, queueCss];

  @property({ attribute: false }) items: TicketSummary[] = [];
  @property() status: QueueStatus = 'open';
  @property() selected: string | null = null;
  @property() me = '';
  @property({ type: Boolean }) loading = false;
  @property({ type: Boolean }) more = false;
  @property() error = '';
  /** Open tickets (for the tab's count), whichever tab is shown. */
  @property({ type: Number }) openCount = 0;
  /** Now, as the ages are counted from; the app moves it on. */
  @property({ type: Number }) now = Date.now();

  override render() {
    const tab = (s: QueueStatus, label: string, count?: number) => html`<button
      role="tab"
      id=${`tab-${s}`}
      aria-selected=${this.status === s}
      aria-controls="list"
      tabindex=${this.status === s ? 0 : -1}
      @click=${() => this.choose(s)}
      @keydown=${this.arrows}
    >
      ${label}${count !== undefined ? html`<span class="count" aria-label=${`, ${count} tickets`}>${count}</span>` : nothing}
    </button>`;
    return html`<div role="tablist" aria-label="Tickets">${tab('open', 'Open', this.openCount)}${tab('closed', 'Closed')}</div>
      ${this.error ? html`<p class="alert err" role="alert">${this.error}</p>` : nothing}
      <div id="list" role="tabpanel" aria-labelledby=${`tab-${this.status}`} aria-busy=${this.loading && !this.items.length}>
        <ul>
          ${this.items.map((t) => this.row(t))}
          ${!this.items.length ? html`<li class="status">${this.loading ? 'Loading…' : this.status === 'open' ? 'No one is waiting. Nice.' : 'No closed tickets yet.'}</li>` : nothing}
          ${this.more ? html`<li class="more"><button class="btn" @click=${() => this.emit('load-more')}>Load more</button></li>` : nothing}
        </ul>
      </div>`;
  }

  private row(t: TicketSummary) {
    const who = holder(t, this.me);
    const when = this.status === 'open' ? t.createdAt : t.updatedAt;
    return html`<li>
      <a class="row" href=${`#t=${encodeURIComponent(t.id)}`} aria-current=${t.id === this.selected ? 'true' : 'false'} data-ticket=${t.id}>
        <span class="line1">
          <span class="num">#${t.number}</span>
          ${t.priority === 'high' ? html`<span class="badge high">High</span>` : nothing}
          ${who.kind === 'mine' ? html`<span class="badge mine">yours</span>` : nothing}
          <span class="siteid">${t.siteId}</span>
          <time class="age" datetime=${when} title=${ageWords(when, this.now)}>${ageLabel(when, this.now)}</time>
        </span>
        <span class="q">${oneLine(t.firstQuestion) || 'No question yet'}</span>
        ${t.lastAnswer ? html`<span class="a"><b>AI:</b> ${oneLine(t.lastAnswer)}</span>` : nothing}
        ${who.kind === 'other' ? html`<span class="holder">${who.label}</span>` : nothing}
      </a>
    </li>`;
  }

  private choose(s: QueueStatus): void {
    if (s !== this.status) this.emit('status-change', s);
  }

  private arrows(e: KeyboardEvent): void {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next: QueueStatus = this.status === 'open' ? 'closed' : 'open';
    this.choose(next);
    this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${next}`)?.focus());
  }

  private emit(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'inbox-queue': InboxQueue;
  }
}
