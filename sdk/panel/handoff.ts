/**
 * The hand-off to a person, in a file of its own that the panel fetches the first time a
 * conversation shows one (handoff-load.ts): a visitor who never asks for a person never loads it.
 */
import { html, nothing, type TemplateResult } from 'lit/html.js';
import { keyOf, phase, type AgentItem, type Item, type TicketItem } from '../client/conversation';
import type { Actions } from './view';
import type { Chat } from './chat';
import { fill, type HandoffKey, type Strings } from './i18n';
import { svg, I } from './icons';
import { markdown } from './markdown-view';

export { handoffCss as css } from './handoff.styles';

/** The English of the hand-off's words (other languages have them in their own file). */
export const en: Pick<Strings, HandoffKey> = {
  queued: "You're in the queue. Someone from our team will reply here.",
  joined: '{name} joined the conversation',
  joinedFrom: '{name} from {team} joined the conversation',
  left: '{name} left the conversation. The assistant will answer from here.',
  closed: 'The request was closed. The assistant will answer from here.',
  number: 'Ticket #{n}',
  away: "No one is available right now, so a reply may take a while. Leave your email and we'll write to you.",
  email: 'Your email',
  emailed: "We'll email you at {email}.",
  emailedAny: "We'll email you at the address you gave.",
  agentTyping: '{name} is typing…',
  messageTo: 'Message {name}…',
  said: '{name}: {text}',
};

/**
 * The words for where a ticket stands, as [template, values]: waiting for a person, a person
 * joined, or back with the assistant (who left, when someone had joined).
 */
export function ticketLine(t: TicketItem, s: Strings, left = false): [string, Record<string, string>] {
  const name = { name: t.agent?.name ?? '', team: t.agent?.team ?? '' };
  if (!t.agent) return [phase(t) === 'closed' ? s.closed : s.queued, name];
  return [left ? s.left : t.agent.team ? s.joinedFrom : s.joined, name];
}

/** What a ticket's state says, in words, for the live region (the view shows the same with names set apart). */
export function ticketWords(t: TicketItem, s: Strings, email: string | undefined): string {
  const p = phase(t);
  const words = fill(...ticketLine(t, s, p === 'closed'));
  if (p !== 'queued' || !t.offline) return words;
  return `${words} ${!t.contact ? s.away : email ? fill(s.emailed, { email }) : s.emailedAny}`;
}

/** `fill` for the view: each value in a <bdi>, so a name or an address in another script keeps its place. */
const fillBdi = (template: string, values: Record<string, string>) =>
  template.split(/\{(\w+)\}/).map((x, n) => (n % 2 ? html`<bdi>${values[x]}</bdi>` : x));

/**
 * A person's initial, as their avatar. Drawn from an attribute: no text of its own, so it never
 * sets the direction of the message around it, and it follows the panel's own direction.
 */
const avatar = (name: string) => html`<span class="av" aria-hidden="true" data-i=${[...name.trim()][0]?.toUpperCase() ?? '?'}></span>`;

/**
 * Where each "… left the conversation" line goes, by the key of the item it follows: after the
 * item the ticket was closed after, or (from the history, which keeps no such place) after that
 * person's last reply.
 */
export function leftLines(items: Item[]): Map<string, TicketItem> {
  const left = new Map<string, TicketItem>();
  items.forEach((t, n) => {
    if (t.kind !== 'ticket' || phase(t) !== 'closed' || !t.agent) return;
    let after = t.after && items.some((i) => keyOf(i) === t.after) ? t.after : keyOf(t);
    if (after === keyOf(t)) for (let i = n + 1; i < items.length && items[i].kind !== 'ticket'; i++) if (items[i].kind === 'agent') after = keyOf(items[i]);
    left.set(after, t);
  });
  return left;
}

export const leftLine = (t: TicketItem, s: Strings) =>
  html`<div class="msg ticket" part="message ticket" data-phase="left"><p>${fillBdi(...ticketLine(t, s, true))}</p></div>`;

/** A person typing (`who`: their name, or '' when the server gave none). */
export const typingLine = (who: string, s: Strings) =>
  html`<p><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span> ${who ? fillBdi(s.agentTyping, { name: who }) : s.typing}</p>`;

/** A person's reply: their name and initial, no sources, confidence or feedback (those rate the assistant). */
export const agentMessage = (i: AgentItem) =>
  html`<div class="msg agent" part="message agent" dir="auto"><b class="who">${avatar(i.name)}<bdi>${i.name}</bdi></b>${markdown(i.text)}</div>`;

/** Where a hand-off stands, where it was opened: waiting (and, nobody online, the email form), who joined, or closed. */
export function ticket(t: TicketItem, chat: Chat, s: Strings, a: Actions): TemplateResult {
  const p = phase(t);
  const away = p === 'queued' && t.offline;
  return html`<div class="msg ticket" part="message ticket" data-phase=${p} tabindex="-1" ?data-live=${p !== 'closed'}>
    <p>${t.agent ? avatar(t.agent.name) : svg(I.person)}${fillBdi(...ticketLine(t, s))}</p>
    ${t.number ? html`<small>${fill(s.number, { n: t.number })}</small>` : nothing}
    ${away && t.contact ? html`<p>${chat.email ? fillBdi(s.emailed, { email: chat.email }) : s.emailedAny}</p>` : nothing}
    ${away && !t.contact
      ? html`<p>${s.away}</p>
          <form class="mail" @submit=${a.contact}>
            <input type="email" name="email" required maxlength="254" autocomplete="email" dir="auto" aria-label=${s.email} placeholder=${s.email} ?disabled=${chat.emailPending} />
            <button type="submit" ?disabled=${chat.emailPending}>${s.send}</button>
          </form>`
      : nothing}
  </div>`;
}
