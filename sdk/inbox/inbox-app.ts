import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { TicketSummary } from '@support-chat/protocol/inbox';
import { ApiError, errorText, InboxApi, type Me, type QueueStatus } from './api';
import { mergePages, orderQueue, waitingCount } from './queue';
import './queue-list';
import './sign-in';
import { appCss, base, theme } from './styles';
import './ticket-view';

const POLL_MS = 3000;

/**
 * `<support-inbox>`: the agents' inbox, served at `/agent`. Signed out it shows the sign-in
 * form; signed in, the queue on the left and the ticket chosen (`#t=<id>`) on the right, or one
 * of them at a time on a narrow screen.
 *
 * @cssproperty --inbox-accent - buttons, links, the selected row (and the other `--inbox-*` colours in styles.ts).
 */
@customElement('support-inbox')
export class SupportInbox extends LitElement {
  static override styles = [theme, base, appCss];

  @state() private me: Me | null = null;
  @state() private phase: 'loading' | 'out' | 'in' = 'loading';
  @state() private notice = '';
  @state() private status: QueueStatus = 'open';
  @state() private items: TicketSummary[] = [];
  @state() private openCount = 0;
  @state() private more = false;
  @state() private queueError = '';
  @state() private queueLoading = false;
  @state() private selected: string | null = ticketOfHash();
  @state() private now = Date.now();

  private readonly api = new InboxApi((message) => this.signOut(message));
  private pages = 1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private fetching = false;
  private again = false;
  private readonly onHash = () => {
    this.selected = ticketOfHash();
  };
  private readonly onVisible = () => {
    if (document.visibilityState === 'visible') void this.refresh();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.onHash);
    document.addEventListener('visibilitychange', this.onVisible);
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.onHash);
    document.removeEventListener('visibilitychange', this.onVisible);
    clearInterval(this.timer);
  }

  override render() {
    if (this.phase === 'loading') return html`<p class="center" role="status">Loading…</p>`;
    if (this.phase === 'out' || !this.me) {
      return html`<inbox-sign-in .api=${this.api} notice=${this.notice} @signed-in=${(e: CustomEvent<Me>) => this.signedIn(e.detail)}></inbox-sign-in>`;
    }
    return html`<div class="shell">
      <header class="top">
        <h1 class="brand">Support inbox</h1>
        <span class="site">${this.me.site}</span>
        <span class="spacer"></span>
        <span class="who"><span class="avatar" aria-hidden="true">${initials(this.me.name)}</span><span>${this.me.name}</span></span>
        <button class="btn" @click=${() => this.logout()}>Sign out</button>
      </header>
      <div class=${`body ${this.selected ? 'reading' : ''}`}>
        <inbox-queue
          role="navigation"
          aria-label="Ticket queue"
          .items=${this.items}
          status=${this.status}
          .selected=${this.selected}
          me=${this.me.id}
          .openCount=${this.openCount}
          .now=${this.now}
          ?loading=${this.queueLoading}
          ?more=${this.more}
          error=${this.queueError}
          @status-change=${(e: CustomEvent<QueueStatus>) => this.show(e.detail)}
          @load-more=${() => this.loadMore()}
        ></inbox-queue>
        <main aria-label="Conversation">
          ${this.selected
            ? html`<inbox-ticket
                .api=${this.api}
                .me=${this.me}
                ticketId=${this.selected}
                @ticket-changed=${() => this.refresh()}
                @session-expired=${() => this.signOut('Your session has ended. Sign in again.')}
              ></inbox-ticket>`
            : html`<div class="empty"><p>Choose a ticket from the queue to read the conversation and reply.</p></div>`}
        </main>
      </div>
    </div>`;
  }

  private async start(): Promise<void> {
    try {
      const { agent } = await this.api.me();
      this.signedIn(agent);
    } catch (err) {
      this.phase = 'out';
      if (!(err instanceof ApiError) || err.status !== 401) this.notice = errorText(err);
    }
  }

  private signedIn(agent: Me): void {
    this.me = agent;
    this.phase = 'in';
    this.notice = '';
    this.pages = 1;
    void this.refresh();
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.now = Date.now();
      if (document.visibilityState !== 'hidden') void this.refresh();
    }, POLL_MS);
  }

  /** The session ended (a 401 anywhere, or signed out): back to the form, saying why. */
  private signOut(message: string): void {
    clearInterval(this.timer);
    this.phase = 'out';
    this.me = null;
    this.items = [];
    this.notice = message;
    document.title = 'Support inbox';
  }

  private async logout(): Promise<void> {
    await this.api.logout().catch(() => {});
    this.signOut('You signed out.');
  }

  private show(status: QueueStatus): void {
    this.status = status;
    this.items = [];
    this.pages = 1;
    void this.refresh();
  }

  private loadMore(): void {
    this.pages++;
    void this.refresh();
  }

  /** The queue again, as many pages as are shown, following `next`. */
  private async refresh(): Promise<void> {
    if (this.phase !== 'in') return;
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = true;
    this.queueLoading = true;
    const status = this.status;
    try {
      const pages: TicketSummary[][] = [];
      let cursor: string | null = null;
      do {
        const page = await this.api.tickets(status, cursor);
        pages.push(page.items);
        cursor = page.next;
      } while (cursor && pages.length < this.pages);
      if (status !== this.status) return;
      this.items = orderQueue(mergePages(pages), status);
      this.more = !!cursor;
      this.queueError = '';
      if (status === 'open') this.openCount = this.items.length;
      const waiting = status === 'open' ? waitingCount(this.items) : 0;
      document.title = waiting ? `(${waiting}) Support inbox` : 'Support inbox';
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) this.queueError = `Could not refresh the queue: ${errorText(err)}`;
    } finally {
      this.fetching = false;
      this.queueLoading = false;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    }
  }
}

function ticketOfHash(): string | null {
  const m = /^#t=([^&]+)/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');

declare global {
  interface HTMLElementTagNameMap {
    'support-inbox': SupportInbox;
  }
}
