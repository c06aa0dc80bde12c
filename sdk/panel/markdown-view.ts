import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { Citation } from '@support-chat/protocol/frames';
import { parseMarkdown, safeUrl, type Block, type Inline } from './markdown';

/**
 * Markdown as Lit templates. Every piece of answer text lands in a text binding, which the
 * browser never parses as HTML; hrefs come only from `safeUrl`.
 */
export function markdown(text: string, citations: Citation[] = []): TemplateResult[] {
  return parseMarkdown(text).map((b) => block(b, citations));
}

function block(b: Block, cites: Citation[]): TemplateResult {
  switch (b.t) {
    case 'p':
      return html`<p>${inlines(b.c, cites)}</p>`;
    case 'h':
      return html`<p class="h">${inlines(b.c, cites)}</p>`;
    case 'quote':
      return html`<blockquote>${inlines(b.c, cites)}</blockquote>`;
    case 'pre':
      return html`<pre><code>${b.v}</code></pre>`;
    case 'ul':
      return html`<ul>${b.items.map((i) => html`<li>${inlines(i, cites)}</li>`)}</ul>`;
    case 'ol':
      return html`<ol start=${b.start}>${b.items.map((i) => html`<li>${inlines(i, cites)}</li>`)}</ol>`;
  }
}

function inlines(parts: Inline[], cites: Citation[]): unknown[] {
  return parts.map((p, k) => {
    // A source number never starts a line alone: the space before it does not break, and
    // without a space ("returned.[1]") a word joiner holds it to the word.
    if (typeof p === 'string') return typeof parts[k + 1] === 'object' && (parts[k + 1] as { t: string }).t === 'cite' ? (/\s$/.test(p) ? p.replace(/\s+$/, '\u00a0') : `${p}\u2060`) : p;
    switch (p.t) {
      case 'b':
        return html`<strong>${inlines(p.c, cites)}</strong>`;
      case 'i':
        return html`<em>${inlines(p.c, cites)}</em>`;
      case 'code':
        return html`<code>${p.v}</code>`;
      case 'br':
        return html`<br />`;
      case 'a':
        return link(p.href, inlines(p.c, cites));
      case 'cite': {
        const c = cites.find((x) => x.n === p.n);
        const href = c?.url ? safeUrl(c.url) : null;
        return href
          ? html`<a class="ref" href=${href} target="_blank" rel="noopener" title=${c!.title} aria-label=${`[${p.n}] ${c!.title}`}>[${p.n}]</a>`
          : `[${p.n}]`;
      }
    }
  });
}

export function link(href: string, content: unknown, part?: string): TemplateResult {
  return html`<a href=${href} target="_blank" rel="noopener" part=${part ?? nothing}>${content}</a>`;
}

/** The answer as a screen reader should hear it once: words, no Markdown marks. */
export function plain(text: string): string {
  return text
    .replace(/\[(\d{1,3})\]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
