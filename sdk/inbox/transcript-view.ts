import { html, nothing, type TemplateResult } from 'lit';
import type { Citation } from '@support-chat/protocol/frames';
import { safeHref } from './links';
import type { Item } from './timeline';

/** A conversation's messages as the agent reads them: the visitor on the left, the answers on the right. */
export function transcriptView(items: readonly Item[]): TemplateResult[] {
  return items.map(item);
}

function item(i: Item): TemplateResult {
  switch (i.kind) {
    case 'user':
      return msg('user', html`<b>Visitor</b>`, i.at, i.text);
    case 'agent':
      return msg('agent', html`<b>${i.name}</b>`, i.at, i.text);
    case 'assistant':
      return html`<article class="msg assistant" data-id=${i.id} aria-busy=${i.streaming}>
        <span class="by"><b>AI assistant</b>${time(i.at)}</span>
        <div class="bubble">${i.text}${i.streaming ? html`<span aria-hidden="true"> ▍</span>` : nothing}</div>
        ${i.citations.length ? sources(i.citations) : nothing}
      </article>`;
    case 'note':
      return html`<p class="note" data-status=${i.status}>${i.text}</p>`;
  }
}

function msg(kind: 'user' | 'agent', by: TemplateResult, at: string, text: string): TemplateResult {
  return html`<article class=${`msg ${kind}`}>
    <span class="by">${by}${time(at)}</span>
    <div class="bubble">${text}</div>
  </article>`;
}

function time(at: string) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return nothing;
  return html`<time datetime=${at}>${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>`;
}

function sources(cites: Citation[]) {
  return html`<ol class="cites" aria-label="Sources">
    ${cites.map((c) => {
      const href = c.url ? safeHref(c.url) : null;
      return html`<li>[${c.n}] ${href ? html`<a href=${href} target="_blank" rel="noopener">${c.title}</a>` : c.title}</li>`;
    })}
  </ol>`;
}
