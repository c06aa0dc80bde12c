import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { base, theme } from '../inbox/styles';
import { AdminApi, AdminError, type Insights, type SiteSummary } from './api';
import './chart';
import type { ChartSeries } from './chart';
import { formatValue, formatWhen } from './format';
import { appCss } from './styles';

const TOKEN_KEY = 'support-chat-admin-token';
const RANGES = [7, 30, 90] as const;
const COLORS = { answered: '#2957d9', unanswered: '#d9482b', resolved: '#146c43', up: '#1f9d55', down: '#d9482b', cost: '#7c4ddb' };

/**
 * The admin page (`/admin`): a site's answers, resolution without a person, feedback, cost per
 * day and the most asked questions that went unanswered. Signs in with an admin token, kept for
 * this tab only (sessionStorage), never in a cookie the browser would send by itself.
 */
@customElement('support-admin')
export class SupportAdmin extends LitElement {
  static override styles = [theme, base, appCss];

  @state() private token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  @state() private sites: SiteSummary[] = [];
  @state() private site = '';
  @state() private days: number = 30;
  @state() private data: Insights | null = null;
  @state() private error = '';
  @state() private busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.token) void this.start();
  }

  override render() {
    if (!this.token) return this.renderSignIn();
    return html`<div class="shell">
      <header class="top">
        <h1 class="brand">Support insights</h1>
        <label class="pick">Site
          <select @change=${(e: Event) => this.choose({ site: (e.target as HTMLSelectElement).value })} ?disabled=${!this.sites.length}>
            ${this.sites.map((s) => html`<option value=${s.id} ?selected=${s.id === this.site}>${s.name} (${s.id})</option>`)}
          </select>
        </label>
        <div class="range" role="group" aria-label="Period">
          ${RANGES.map((d) => html`<button class="btn" aria-pressed=${d === this.days} @click=${() => this.choose({ days: d })}>${d} days</button>`)}
        </div>
        <span class="spacer"></span>
        <button class="btn" @click=${this.signOut}>Sign out</button>
      </header>
      <main aria-busy=${this.busy}>
        <p class="alert" role="alert">${this.error}</p>
        ${this.data ? this.renderInsights(this.data) : this.busy ? html`<p class="center">Loading…</p>` : nothing}
      </main>
    </div>`;
  }

  private renderSignIn() {
    return html`<form class="sign-in" @submit=${this.signIn} aria-labelledby="h">
      <h1 id="h">Support insights</h1>
      <p class="lead">Sign in with the server's ADMIN_TOKEN, or a token made with <code>npm run admin -- token create --scope read</code>.</p>
      <p class="alert" role="alert">${this.error}</p>
      <label>Admin token <input name="token" type="password" autocomplete="current-password" required /></label>
      <button class="btn primary" type="submit">Sign in</button>
    </form>`;
  }

  private renderInsights(d: Insights) {
    const t = d.totals;
    const days = d.daily.map((x) => x.day);
    const series = (label: string, color: string, kind: ChartSeries['kind'], values: (number | null)[]): ChartSeries => ({ label, color, kind, values });
    const pct = (v: number | null) => (v === null ? '–' : formatValue(v, 'percent'));
    return html`
      <p class="period">${d.from} to ${d.to} (UTC)</p>
      <section class="tiles" aria-label="Totals">
        ${tile('Answers', formatValue(t.answers, 'count'), `${formatValue(t.unanswered, 'count')} unanswered`)}
        ${tile('Resolved without a person', pct(t.resolutionRate), `${formatValue(t.resolved, 'count')} of ${formatValue(t.conversations, 'count')} conversations`)}
        ${tile('Hand-offs', formatValue(t.handoffs, 'count'), 'tickets opened')}
        ${tile('Feedback', pct(t.satisfaction), `${t.feedbackUp} up, ${t.feedbackDown} down`)}
        ${tile('Cost', formatValue(t.costUsd, 'usd'), 'LLM and embeddings')}
      </section>
      <section class="charts">
        <admin-chart caption="Answers per day" .days=${days}
          .series=${[series('Answers', COLORS.answered, 'bars', d.daily.map((x) => x.answers)), series('Unanswered', COLORS.unanswered, 'bars', d.daily.map((x) => x.unanswered))]}></admin-chart>
        <admin-chart caption="Resolved without a person" format="percent" .days=${days}
          .series=${[series('Resolved', COLORS.resolved, 'line', d.daily.map((x) => (x.conversations ? x.resolved / x.conversations : null)))]}></admin-chart>
        <admin-chart caption="Feedback per day" .days=${days}
          .series=${[series('Helpful', COLORS.up, 'bars', d.daily.map((x) => x.feedbackUp)), series('Not helpful', COLORS.down, 'bars', d.daily.map((x) => -x.feedbackDown))]}></admin-chart>
        <admin-chart caption="Cost per day" format="usd" .days=${days} .series=${[series('Cost', COLORS.cost, 'bars', d.daily.map((x) => x.costUsd))]}></admin-chart>
      </section>
      <section class="unanswered" aria-labelledby="u">
        <h2 id="u">Top unanswered questions</h2>
        ${d.unanswered.length
          ? html`<ol>
              ${d.unanswered.map(
                (g) => html`<li>
                  <span class="count" title="times asked">${g.count}×</span>
                  <div><q dir="auto">${g.question}</q>
                    ${g.variants.length ? html`<p class="variants">Also asked as: ${g.variants.map((v, i) => html`${i ? '; ' : ''}<q dir="auto">${v}</q>`)}</p>` : nothing}
                    <p class="when">last asked ${formatWhen(g.lastAt)}</p></div>
                </li>`,
              )}
            </ol>
            <p class="hint">Add these to your FAQ or docs and run <code>npm run ingest</code>: the next visitor gets an answer.</p>`
          : html`<p class="empty">Every question in this period got a cited answer.</p>`}
      </section>`;
  }

  private async start(): Promise<void> {
    const api = new AdminApi(this.token);
    this.busy = true;
    try {
      this.sites = await api.sites();
      const wanted = new URLSearchParams(location.search).get('site');
      this.site = this.sites.find((s) => s.id === wanted)?.id ?? this.sites[0]?.id ?? '';
      if (!this.site) this.error = 'There are no sites yet: make one with npm run site -- create.';
      else await this.load();
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  private async load(): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      this.data = await new AdminApi(this.token).insights(this.site, this.days);
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  private choose(change: { site?: string; days?: number }): void {
    if (change.site) this.site = change.site;
    if (change.days) this.days = change.days;
    void this.load();
  }

  private fail(err: unknown): void {
    if (err instanceof AdminError && (err.status === 401 || err.status === 403)) {
      this.signOut();
      this.error = err.status === 401 ? 'That token was refused. Check it and sign in again.' : 'That token may not read insights: it needs the read scope.';
      return;
    }
    this.error = err instanceof Error ? err.message : String(err);
  }

  private signIn(e: SubmitEvent): void {
    e.preventDefault();
    const token = String(new FormData(e.target as HTMLFormElement).get('token') ?? '').trim();
    if (!token) {
      this.error = 'Enter the admin token.';
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    this.token = token;
    this.error = '';
    void this.start();
  }

  private signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    this.token = '';
    this.data = null;
    this.sites = [];
  }
}

function tile(label: string, value: string, detail: string) {
  return html`<div class="tile"><span class="label">${label}</span><strong>${value}</strong><span class="detail">${detail}</span></div>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'support-admin': SupportAdmin;
  }
}
