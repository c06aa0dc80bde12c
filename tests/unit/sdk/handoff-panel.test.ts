// @vitest-environment happy-dom
import { render } from 'lit/html.js';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame, ServerFrame } from '@support-chat/protocol';
import type { PanelHost } from '../../../sdk/element/host';

vi.mock('../../../sdk/client/connection', () => import('./fake-wire'));
const { wire } = await import('./fake-wire');

const { Chat } = await import('../../../sdk/panel/chat');
const { panelView } = await import('../../../sdk/panel/view');
const { loadLocale } = await import('../../../sdk/panel/i18n');
// The hand-off's view is a file of its own; the panel (index.ts) waits for it the way this does.
await (await import('../../../sdk/panel/handoff-load')).loadHandoff();

function setup(locale = 'en') {
  const emitted: [string, unknown][] = [];
  const host = {
    config: () => ({ site: 'demo', endpoint: 'http://127.0.0.1:1', locale, inline: false, strings: {} }),
    emit: (name: string, detail: unknown) => emitted.push([name, detail]),
  } as unknown as PanelHost;
  const chat = new Chat(host, () => {});
  chat.activate();
  const server = (f: ServerFrame) => wire.on!.frame(f);
  server({ type: 'ready', session: 's', seq: 0, history: [] });
  const el = document.createElement('div');
  const actions = { close() {}, submit() {}, keydown() {}, input() {}, person: () => chat.handoff(), contact() {} };
  const show = () => {
    render(panelView(chat, host.config(), chat.strings, actions, 0), el);
    return el;
  };
  const sent = (type: string) => (wire.sent as ClientFrame[]).filter((f) => f.type === type);
  return { chat, server, show, sent, emitted };
}

beforeEach(() => {
  wire.sent = [];
});

describe('the panel during a hand-off', () => {
  it("sends the visitor's typing only while a ticket is open, and stops it when the message goes", () => {
    const { chat, server, sent } = setup();
    chat.typed('Where is my order?');
    expect(sent('typing'), 'the assistant has the conversation: no traffic').toEqual([]);
    server({ type: 'handoff', seq: 1, ticket: 't', number: 1042, status: 'open', agent: { name: 'Alex' } });
    chat.typed('W');
    chat.typed('Wh');
    chat.typed('Whe');
    expect(sent('typing')).toEqual([{ type: 'typing', active: true }]);
    chat.send('Where is my order?');
    expect(sent('typing')).toEqual([{ type: 'typing', active: true }, { type: 'typing', active: false }]);
    server({ type: 'handoff', seq: 2, ticket: 't', number: 1042, status: 'closed', agent: { name: 'Alex' } });
    chat.typed('Thanks');
    expect(sent('typing')).toHaveLength(2);
  });

  it('does not open a second ticket from "talk to a person" while one is open, and says where it stands', () => {
    const { chat, server, sent } = setup();
    expect(chat.handoff()).toBe(true);
    expect(sent('handoff')).toHaveLength(1);
    server({ type: 'handoff', seq: 1, ticket: 't', number: 1042, status: 'open' });
    expect(chat.handoff()).toBe(false);
    expect(sent('handoff')).toHaveLength(1);
    expect(chat.announce).toBe("You're in the queue. Someone from our team will reply here.");
    server({ type: 'handoff', seq: 2, ticket: 't', number: 1042, status: 'closed' });
    expect(chat.handoff(), 'closed: a new one may be asked for').toBe(true);
    expect(sent('handoff')).toHaveLength(2);
  });

  it('takes an email while nobody is online and shows it once the ticket confirms', () => {
    const { chat, server, sent, show, emitted } = setup();
    server({ type: 'handoff', seq: 1, ticket: 't_raw_id', number: 1042, status: 'open', offline: true });
    let el = show();
    expect(el.textContent).toContain('Ticket #1042');
    expect(el.textContent).not.toContain('t_raw_id');
    expect(el.textContent).toContain('a reply may take a while');
    expect(el.querySelector('form.mail input[type=email]')).not.toBeNull();
    chat.contact('visitor@example.com');
    expect(sent('contact')).toEqual([{ type: 'contact', email: 'visitor@example.com' }]);
    expect(el.querySelector<HTMLInputElement>('form.mail input')!.disabled || show().querySelector<HTMLInputElement>('form.mail input')!.disabled).toBe(true);
    server({ type: 'handoff', seq: 2, ticket: 't_raw_id', number: 1042, status: 'open', offline: true, contact: true });
    el = show();
    expect(el.querySelector('form.mail')).toBeNull();
    expect(el.textContent).toContain("We'll email you at visitor@example.com.");
    expect(emitted.filter(([n]) => n === 'support-chat-handoff').at(-1)![1]).toEqual({ ticket: 't_raw_id', number: 1042, status: 'open', agent: undefined });
  });

  it('an email taken in another tab (or before a reload) is confirmed without the address', () => {
    const { server, show } = setup();
    server({ type: 'handoff', seq: 1, ticket: 't', status: 'open', offline: true, contact: true });
    const el = show();
    expect(el.textContent).toContain("We'll email you at the address you gave.");
    expect(el.textContent, 'no number: none shown').not.toMatch(/#|Ticket/);
  });

  it("renders a person's reply apart from answers, the typing line, the placeholder, and where they left", () => {
    const { chat, server, show } = setup();
    chat.send('A person please');
    server({ type: 'ack', seq: 1, id: chat.conv.items[0].id });
    server({ type: 'handoff', seq: 2, ticket: 't', number: 1042, status: 'open', agent: { name: 'Alex' } });
    server({ type: 'agent.message', seq: 3, id: 'am_1', text: 'Hi, **Alex** here.', agent: { name: 'Alex' } });
    expect(chat.announce).toBe('Alex: Hi, Alex here.');
    server({ type: 'typing', who: 'agent', active: true, name: 'Alex' });
    let el = show();
    const reply = el.querySelector('[part~=agent]')!;
    expect(reply.querySelector('.who')!.textContent).toBe('Alex');
    expect(reply.querySelector('.av')!.getAttribute('data-i')).toBe('A');
    expect(reply.querySelector('.refs, .fb, [part=feedback]')).toBeNull();
    expect(el.querySelector('[part~=ticket][data-phase=joined]')!.textContent).toMatch(/Alex joined the conversation\s*Ticket #1042/);
    expect(el.querySelector('[part=typing]')!.getAttribute('aria-live')).toBe('polite');
    expect(el.querySelector('[part=typing]')!.textContent!.trim()).toBe('Alex is typing…');
    expect(el.querySelector('textarea')!.getAttribute('placeholder')).toBe('Message Alex…');

    server({ type: 'handoff', seq: 4, ticket: 't', number: 1042, status: 'closed', agent: { name: 'Alex' } });
    el = show();
    expect(el.querySelector('[part=typing]')!.textContent!.trim()).toBe('');
    expect(el.querySelector('textarea')!.getAttribute('placeholder')).toBe('Type your question…');
    const order = [...el.querySelectorAll('.list > .msg')].map((m) => m.getAttribute('data-phase') ?? m.getAttribute('part'));
    // The card where the ticket opened keeps who joined; the line where they left follows their reply.
    expect(order).toEqual(['message greeting', 'message user', 'closed', 'message agent', 'left']);
    expect(el.querySelector('[data-phase=closed]')!.textContent).toMatch(/Alex joined the conversation/);
    expect(el.querySelector('[data-phase=left]')!.textContent).toBe('Alex left the conversation. The assistant will answer from here.');
    expect(chat.announce).toBe('Alex left the conversation. The assistant will answer from here.');
 
    // With the team the person answers for (the site's name), the joined line says so.
    const { chat: other, server: tell, show: look } = setup();
    other.send('A person please');
    tell({ type: 'handoff', seq: 1, ticket: 't2', number: 1043, status: 'open', agent: { name: 'Alex', team: 'Juniper Peak' } });
    expect(look().querySelector('[part~=ticket][data-phase=joined]')!.textContent).toMatch(/Alex from Juniper Peak joined the conversation/);
  });

  it('speaks Arabic, with names and addresses set apart from the right-to-left text', async () => {
    // Arabic's words are a file of their own, fetched when a panel speaks it (the panel waits for it).
    await loadLocale('ar');
    const { chat, server, show } = setup('ar');
    server({ type: 'handoff', seq: 1, ticket: 't', number: 1042, status: 'open', agent: { name: 'Alex' } });
    server({ type: 'typing', who: 'agent', active: true, name: 'Alex' });
    const el = show();
    const line = el.querySelector('[data-phase=joined] p')!;
    expect(line.textContent).toBe('Alex في المحادثة الآن');
    expect([...line.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual(['Alex']);
    expect(el.querySelector('[data-phase=joined] small')!.textContent).toBe('التذكرة رقم 1042');
    expect(el.querySelector('textarea')!.getAttribute('placeholder')).toBe('رسالة إلى Alex…');
    expect(el.querySelector('[part=typing]')!.textContent!.trim()).toBe('Alex: جارٍ الكتابة…');
    expect(chat.strings.queued).not.toBe('');
  });
});

describe('translations', () => {
  it('every locale has every string, with the same placeholders as English', async () => {
    const { LANGS, loadLocale, resolveLocale } = await import('../../../sdk/panel/i18n');
    await Promise.all(LANGS.map(loadLocale));
    const en = resolveLocale('en').strings;
    const holes = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(LANGS).toEqual(['en', 'es', 'de', 'ar']);
    for (const lang of LANGS) {
      const strings = resolveLocale(lang).strings;
      if (lang !== 'en') expect(strings, `${lang} loaded`).not.toBe(en);
      expect(Object.keys(strings).sort(), lang).toEqual(Object.keys(en).sort());
      for (const [k, v] of Object.entries(strings)) expect(holes(v), `${lang}.${k}`).toEqual(holes(en[k as keyof typeof strings]));
    }
  });
});
