import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { Citation } from '@support-chat/protocol/frames';
import { keyOf, type AnswerItem, type Item } from '../client/conversation';
import { MAX_MESSAGE_CHARS } from '../client/limits';
import type { PanelConfig } from '../element/host';
import type { Chat } from './chat';
import { handoffView } from './handoff-load';
import { fill, type Strings } from './i18n';
import { svg, I } from './icons';
import { introView } from './intro-view';
import { markdown } from './markdown-view';
import { safeUrl } from './markdown';

/**
 * The confidence bands the visitor sees. Under the server's own bar (0.35) an answer gets no
 * sources and says it does not know: that is a refusal, shown as one. Between that bar and LOW
 * the answer is cited but thin, so it says it may be incomplete and offers a person.
 */
const LOW = 0.5;
const HIGH = 0.75;
const BAND = { high: 'confHigh', medium: 'confMedium', low: 'confLow' } as const;

export interface Actions {
  close(): void;
  submit(e: Event): void;
  keydown(e: KeyboardEvent): void;
  input(e: Event): void;
  /** "Talk to a person": asks for one, or shows the ticket already open. */
  person(): void;
  /** The email form of a ticket while nobody is online. */
  contact(e: Event): void;
}

/**
 * The server numbers sources as it found them and cites only some ([3], [1], [4]); the visitor
 * sees them numbered 1..n in the order the text first cites them (then any listed but not
 * cited), in the text and in the list alike.
 */
function renumbered(item: AnswerItem): { text: string; citations: Citation[] } {
  const cited = [...item.text.matchAll(/\[(\d{1,3})\](?!\()/g)].map((m) => +m[1]);
  const order = [...new Set([...cited, ...item.citations.map((c) => c.n)])].filter((n) => item.citations.some((c) => c.n === n));
  const to = new Map(order.map((n, k) => [n, k + 1]));
  return {
    text: item.text.replace(/\[(\d{1,3})\](?!\()/g, (m, d: string) => (to.has(+d) ? `[${to.get(+d)}]` : m)),
    citations: order.map((n, k) => ({ ...item.citations.find((c) => c.n === n)!, n: k + 1 })),
  };
}

/** Parsing each answer's Markdown once per text, not once per render. */
const parsed = new WeakMap<AnswerItem, { text: string; cites: number; out: TemplateResult[] }>();
function body(item: AnswerItem): TemplateResult[] {
  const hit = parsed.get(item);
  if (hit && hit.text === item.text && hit.cites === item.citations.length) return hit.out;
  const r = renumbered(item);
  const out = markdown(r.text, r.citations);
  parsed.set(item, { text: item.text, cites: item.citations.length, out });
  return out;
}

// The live region gets a new element for each announcement, so the same words twice are spoken twice.
export function panelView(chat: Chat, c: PanelConfig, s: Strings, a: Actions, announced: number): TemplateResult {
  const items = chat.conv.items;
  const live = chat.conv.live();
  const who = chat.conv.typist();
  // A person in the conversation: the input is addressed to them (in words the hand-off's file brings).
  const placeholder = live?.agent && s.messageTo ? fill(s.messageTo, { name: live.agent.name }) : c.placeholder || s.placeholder;
  // The hand-off's parts show once its file is here (index.ts waits for it).
  const ho = handoffView();
  const left = ho?.leftLines(items);
  let last = -1;
  items.forEach((t, n) => {
    if (t.kind === 'ticket') last = n;
  });
  return html`
    <div class="head" part="header">
      <h2 id="title" dir=${c.title ? 'auto' : nothing}>${c.title || s.title}</h2>
      <button class="icon" part="handoff" aria-label=${s.person} title=${s.person} @click=${a.person}>${svg(I.person)}</button>
      <button class="icon" aria-label=${s.newChat} title=${s.newChat} @click=${() => chat.reset()}>${svg(I.reset)}</button>
      ${c.inline ? nothing : html`<button class="icon" aria-label=${s.close} title=${s.close} @click=${a.close}>${svg(I.close)}</button>`}
    </div>
    ${status(chat, s)}
    <div class="list" part="messages" role="log" aria-live="off" aria-label=${s.messages} tabindex="0">
      ${items.length ? nothing : introView(chat.conv.intro, s, (q) => chat.send(q))}
      <div class="msg answer" part="message greeting"><p dir=${c.greeting ? 'auto' : nothing}>${c.greeting || s.greeting}</p></div>
      ${items.map((i, n) => {
        const t = left?.get(keyOf(i));
        return [item(i, chat, s, a, !live && n > last), t ? ho!.leftLine(t, s) : nothing];
      })}
    </div>
    <div class="typing" part="typing" aria-live="polite">${who === undefined || !ho ? nothing : ho.typingLine(who, s)}</div>
    <div class="sr" aria-live="polite" aria-atomic="true">${announced % 2 ? html`<p>${chat.announce}</p>` : html`<div>${chat.announce}</div>`}</div>
    <form class="form" @submit=${a.submit}>
      <textarea
        part="input"
        rows="1"
        maxlength=${MAX_MESSAGE_CHARS}
        aria-label=${placeholder}
        placeholder=${placeholder}
        dir="auto"
        enterkeyhint="send"
        @keydown=${a.keydown}
        @input=${a.input}
      ></textarea>
      <button class="send" part="send" type="submit" aria-label=${s.send} title=${s.send}>${svg(I.send)}</button>
    </form>
  `;
}

function status(chat: Chat, s: Strings): TemplateResult | typeof nothing {
  const secs = (t: number) => Math.max(0, Math.ceil((t - Date.now()) / 1000));
  let kind: string;
  let text: string;
  let action: TemplateResult | typeof nothing = nothing;
  const n = chat.notice;
  if (n?.kind === 'refused' || chat.linkState === 'refused') [kind, text] = ['refused', s.refused];
  else if (chat.linkState === 'offline') [kind, text] = ['offline', s.offline];
  else if (chat.linkState === 'reconnecting') {
    const left = secs(chat.retryAt);
    [kind, text] = ['reconnecting', left > 0 ? fill(s.reconnecting, { s: left }) : s.connecting];
    action = html`<button @click=${() => chat.retry()}>${s.retry}</button>`;
  } else if (chat.active && !chat.ready) [kind, text] = ['connecting', s.connecting];
  else if (n?.kind === 'limited' && secs(n.until) > 0) [kind, text] = ['limited', fill(s.limited, { s: secs(n.until) })];
  else if (n?.kind === 'error' || n?.kind === 'full') {
    [kind, text] = ['error', n.kind === 'full' ? s.full : s.error];
    action = html`<button @click=${() => chat.dismiss()}>${s.dismiss}</button>`;
  } else return nothing;
  return html`<div class="status" part="status" role="status" data-kind=${kind}><p>${text}</p>${action}</div>`;
}

function item(i: Item, chat: Chat, s: Strings, a: Actions, offer: boolean): TemplateResult | typeof nothing {
  switch (i.kind) {
    case 'user':
      if (i.unknown) return nothing;
      return html`<div class="msg user" part="message user" dir="auto">${i.text}${
        i.status === 'pending' ? html`<small>${chat.refused ? s.failed : s.waiting}</small>` : i.status === 'failed' ? html`<small>${s.failed}</small>` : nothing
      }</div>`;
    case 'agent':
      // Without the hand-off's file (it failed to load), a person's words still show.
      return handoffView()?.agentMessage(i) ?? html`<div class="msg agent" part="message agent" dir="auto">${i.text}</div>`;
    case 'ticket':
      return handoffView()?.ticket(i, chat, s, a) ?? nothing;
    case 'answer':
      return answer(i, chat, s, a, offer);
  }
}

function answer(i: AnswerItem, chat: Chat, s: Strings, a: Actions, offered: boolean): TemplateResult {
  const typing = html`<span class="dots" role="img" aria-label=${s.typing}><i></i><i></i><i></i></span>`;
  const cited = i.done && i.citations.length > 0;
  const c = i.confidence ?? 1;
  const band = c >= HIGH ? 'high' : c >= LOW ? 'medium' : 'low';
  const low = cited && band === 'low';
  const offer = i.done && (i.handoff || low) && offered;
  return html`<article class="msg answer" part="message answer" dir="auto" aria-busy=${String(!i.done)} data-confidence=${i.confidence ?? nothing}>
    ${i.partial && !i.done ? typing : body(i)} ${!i.done && !i.partial && !i.text ? typing : nothing}
    ${cited
      ? html`<div class="src">${s.sources} <span class="conf" data-band=${band}>${s[BAND[band]]}</span></div>
          <ol class="refs" aria-label=${`${s.sources}, ${s[BAND[band]]}`}>
            ${renumbered(i).citations.map((r) => source(r, `${i.id}-${r.n}`))}
          </ol>`
      : nothing}
    ${low || offer
      ? html`<p class="low" dir="auto">${low ? s.low : nothing} ${offer ? html`<button class="link" part="handoff" @click=${a.person}>${s.person}</button>` : nothing}</p>`
      : nothing}
    ${i.done && !i.partial
      ? html`<div class="fb">
          <button part="feedback" aria-label=${s.helpful} title=${s.helpful} aria-pressed=${String(i.rating === 'up')} @click=${() => chat.rate(i.id, 'up')}>${svg(I.up)}</button>
          <button part="feedback" aria-label=${s.unhelpful} title=${s.unhelpful} aria-pressed=${String(i.rating === 'down')} @click=${() => chat.rate(i.id, 'down')}>${svg(I.down)}</button>
          ${i.rating ? html`<span role="status">${s.thanks}</span>` : nothing}
        </div>`
      : nothing}
  </article>`;
}

/** One source: its number and title (shortened to a line), the snippet shown on hover or focus. */
function source(r: Citation, id: string): TemplateResult {
  const href = r.url ? safeUrl(r.url) : null;
  const label = html`<b>[${r.n}]</b> <span class="t">${r.title}</span>`;
  const tip = r.snippet ? id : nothing;
  return html`<li dir="auto">
    ${href
      ? html`<a href=${href} target="_blank" rel="noopener" part="citation" aria-describedby=${tip}>${label}</a>`
      : html`<span part="citation" tabindex="0" aria-describedby=${tip}>${label}</span>`}
    ${r.snippet ? html`<span class="snip" role="tooltip" id=${id}>${r.snippet}</span>` : nothing}
  </li>`;
}
