import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorText, type InboxApi, type Me } from './api';
import { base, signInCss } from './styles';

/**
 * The sign-in form: email and password to `POST /agent/login`. Says the server's own words
 * when it refuses (a wrong password; a locked account, with when to try again).
 *
 * @event signed-in - `detail` is the agent now signed in.
 */
@customElement('inbox-sign-in')
export class InboxSignIn extends LitElement {
  static override styles = [base, signInCss];

  @property({ attribute: false }) api!: InboxApi;
  /** Why the form is shown, e.g. the session ended. */
  @property() notice = '';
  @state() private error = '';
  @state() private busy = false;
  @query('input[name=email]') private email!: HTMLInputElement;

  override firstUpdated(): void {
    this.email.focus();
  }

  override render() {
    return html`<form @submit=${this.submit} aria-labelledby="h" novalidate>
      <h1 id="h">Support inbox</h1>
      <p class="lead">Sign in to answer visitors waiting for a person.</p>
      ${this.notice && !this.error ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <p class="alert" role="alert">${this.error}</p>
      <label>Email <input name="email" type="email" autocomplete="username" required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <button class="btn primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
    </form>`;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      this.error = 'Enter your email and password.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const { agent } = await this.api.login(email, password);
      this.dispatchEvent(new CustomEvent<Me>('signed-in', { detail: agent, bubbles: true, composed: true }));
    } catch (err) {
      this.error = errorText(err);
      const pw = this.renderRoot.querySelector<HTMLInputElement>('input[name=password]');
      if (pw) pw.value = '';
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'inbox-sign-in': InboxSignIn;
  }
}
