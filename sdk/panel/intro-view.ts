import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { Intro } from '@support-chat/protocol/frames';
import type { Strings } from './i18n';
import { safeUrl } from './markdown';

const REPLY = { minutes: 'replyMinutes', hour: 'replyHour', hours: 'replyHours', day: 'replyDay' } as const;

/**
 * The empty panel, until the first message: who answers (the site's name and logo), how soon a
 * person replies, and questions to start with. The site's own words are bidi-isolated
 * (`dir=auto`), so an English title keeps its punctuation in an Arabic panel.
 */
export function introView(intro: Intro | undefined, s: Strings, ask: (text: string) => void): TemplateResult | typeof nothing {
  if (!intro) return nothing;
  const logo = intro.avatar ? safeUrl(intro.avatar) : undefined;
  const hide = (e: Event) => ((e.target as HTMLElement).hidden = true);
  return html`<div class="intro" part="intro">
    ${logo
      ? html`<img class="logo" src=${logo} alt="" @error=${hide} />`
      : html`<span class="av logo" aria-hidden="true" data-i=${[...intro.title.trim()][0]?.toUpperCase() ?? '?'}></span>`}
    <h3 dir="auto">${intro.title}</h3>
    ${intro.replyTime ? html`<p>${s[REPLY[intro.replyTime]]}</p>` : nothing}
    ${intro.suggestions.length
      ? html`<ul aria-label=${s.suggested}>
          ${intro.suggestions.map((q) => html`<li><button type="button" dir="auto" @click=${() => ask(q)}>${q}</button></li>`)}
        </ul>`
      : nothing}
  </div>`;
}
