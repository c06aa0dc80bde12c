import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Suggestion } from '@support-chat/protocol/inbox';
import { base, composerCss } from './styles';
import { safeHref } from './links';

/**
 * The reply box. Enter sends, Shift+Enter starts a new line. A suggestion only fills the box,
 * marked as one with its sources: the agent reads, edits and sends it like any reply.
 *
 * @event agent-typing - `detail` is the box's text after each change (the ticket throttles the signal).
 */
@customElement('inbox-composer')
export class InboxComposer extends LitElement {
  static override styles = [base, composerCss];

  /** Sends the reply; resolves to an error to show, or null once it is sent. */
  @property({ attribute: false }) send: (text: string) => Promise<string | null> = async () => null;
  @property({ type: Boolean }) disabled = false;
  @property() placeholder = 'Write a reply…';
  @state() private draft: Suggestion | null = null;
  @state() private error = '';
  @state() private busy = false;
  @query('textarea') private box!: HTMLTextAreaElement;

  /** Puts a suggestion in the box, for the agent to edit before sending. */
  suggest(s: Suggestion): void {
    this.draft = s;
    this.error = '';
    this.box.value = s.text;
    this.changed();
    this.box.focus();
    this.box.setSelectionRange(0, 0);
    this.box.scrollTop = 0;
  }

  override focus(): void {
    this.box?.focus();
  }

  override render() {
    const cites = this.draft?.citations ?? [];
    return html`${this.draft
        ? html`<div class="suggested" id="draft-note" role="status">
            <strong>Suggested from sources — edit before sending</strong>
            ${cites.length
              ? html`<ol aria-label="Sources">
                  ${cites.map((c) => {
                    const href = c.url ? safeHref(c.url) : null;
                    return html`<li value=${c.n}>${href ? html`<a href=${href} target="_blank" rel="noopener">${c.title}</a>` : c.title}</li>`;
                  })}
                </ol>`
              : html`<span>No sources found: check it carefully.</span>`}
          </div>`
        : nothing}
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      <div class="row">
        <label class="sr" for="reply">Reply to the visitor</label>
        <textarea
          id="reply"
          rows="2"
          class=${this.draft ? 'draft' : ''}
          placeholder=${this.placeholder}
          aria-describedby=${this.draft ? 'draft-note hint' : 'hint'}
          ?disabled=${this.disabled}
          @input=${this.changed}
          @keydown=${this.keydown}
        ></textarea>
        <button class="btn primary" @click=${this.submit} ?disabled=${this.disabled || this.busy}>${this.busy ? 'Sending…' : 'Send'}</button>
      </div>
      <p class="hint" id="hint">Enter to send · Shift+Enter for a new line</p>`;
  }

  private changed(): void {
    if (!this.box.value.trim()) this.draft = null;
    this.fit();
    this.dispatchEvent(new CustomEvent('agent-typing', { detail: this.box.value }));
  }

  /** The box grows with its text, up to its max-height (CSS), then scrolls. */
  private fit(): void {
    const box = this.box;
    box.style.height = 'auto';
    box.style.height = `${box.scrollHeight + 2}px`;
  }

  private keydown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void this.submit();
    }
  }

  private async submit(): Promise<void> {
    const text = this.box.value.trim();
    if (!text || this.busy || this.disabled) return;
    this.busy = true;
    this.error = '';
    try {
      const failed = await this.send(text);
      if (failed) this.error = failed;
      else {
        this.box.value = '';
        this.draft = null;
        this.changed();
      }
    } finally {
      this.busy = false;
      this.box.focus();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'inbox-composer': InboxComposer;
  }
}
