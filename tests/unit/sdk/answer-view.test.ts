// @vitest-environment happy-dom
import { render } from 'lit/html.js';
import { describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '@support-chat/protocol';
import type { PanelHost } from '../../../sdk/element/host';

vi.mock('../../../sdk/client/connection', () => import('./fake-wire'));
const { wire } = await import('./fake-wire');

const { Chat } = await import('../../../sdk/panel/chat');
const { panelView } = await import('../../../sdk/panel/view');

/** One answer, as the server sends it, rendered by the panel. */
function answer(text: string, end: Omit<Extract<ServerFrame, { type: 'answer.end' }>, 'type' | 'seq' | 'id'>, intro?: Extract<ServerFrame, { type: 'ready' }>['intro']) {
  const host = {
    config: () => ({ site: 'demo', endpoint: 'http://127.0.0.1:1', locale: 'en', inline: false, strings: {} }),
    emit: () => {},
  } as unknown as PanelHost;
  const chat = new Chat(host, () => {});
  chat.activate();
  const server = (f: ServerFrame) => wire.on!.frame(f);
  server({ type: 'ready', session: 's', seq: 0, history: [], ...(intro ? { intro } : {}) });
  const el = document.createElement('div');
  const show = () => {
    render(panelView(chat, host.config(), chat.strings, { close() {}, submit() {}, keydown() {}, input() {}, person() {}, contact() {} }, 0), el);
    return el;
  };
  if (text) {
    chat.send('Q');
    server({ type: 'ack', seq: 1, id: (chat.conv.items[0] as { id: string }).id });
    server({ type: 'answer.start', seq: 2, id: 'a1', replyTo: (chat.conv.items[0] as { id: string }).id, intent: 'policy_question' });
    server({ type: 'answer.delta', seq: 3, id: 'a1', text });
    server({ type: 'answer.end', seq: 4, id: 'a1', ...end });
  }
  return show();
}

const cite = (n: number, title = `Source ${n}`) => ({ n, title, url: `https://shop.example/help/${n}`, snippet: `What source ${n} says.` });

describe('an answer in the panel', () => {
  it('numbers its sources 1..n in the order the text cites them, in the text and in the list, whatever the server numbered', () => {
    const el = answer('Ship in 3 days [3]. Returns within 60 days [1]. Gift cards too.[4]', { citations: [cite(1), cite(3), cite(4), cite(6)], confidence: 0.9 });
    expect([...el.querySelectorAll('ol.refs [part=citation]')].map((b) => b.textContent)).toEqual(['[1] Source 3', '[2] Source 1', '[3] Source 4', '[4] Source 6']);
    expect([...el.querySelectorAll('a.ref')].map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['[1]', 'https://shop.example/help/3'],
      ['[2]', 'https://shop.example/help/1'],
      ['[3]', 'https://shop.example/help/4'],
    ]);
    // Each marker is held to the word before it: a no-break space, or a word joiner where there is no space.
    const text = el.querySelector('article p')!.textContent!;
    expect(text).toContain('days\u00a0[1]');
    expect(text).toContain('too.\u2060[3]');
  });

  it('says how sure it is: high, medium, or low with "may be incomplete" and a person offered', () => {
    const band = (confidence: number) => {
      const el = answer('Yes [1].', { citations: [cite(1)], confidence });
      return [el.querySelector('.conf')!.getAttribute('data-band'), el.querySelector('.src')!.textContent!.trim(), el.querySelector('.low')?.textContent?.trim() ?? ''];
    };
    expect(band(0.9)).toEqual(['high', 'Sources High confidence', '']);
    expect(band(0.6)).toEqual(['medium', 'Sources Medium confidence', '']);
    expect(band(0.4)).toEqual(['low', 'Sources Low confidence', 'This answer may be incomplete. Talk to a person']);
  });

  it('shows a refusal as a refusal: no sources header, no "may be incomplete", a person offered', () => {
    const el = answer("I don't have that in our help content.", { citations: [], confidence: 0.1, handoff: true });
    expect(el.querySelector('.src, ol.refs')).toBeNull();
    expect(el.querySelector('.low')!.textContent!.trim()).toBe('Talk to a person');
  });

  it('shows the snippet of a source as its description, hidden until hover or focus', () => {
    const el = answer('Yes [1].', { citations: [cite(1, 'A very long title '.repeat(8))], confidence: 0.9 });
    const link = el.querySelector('ol.refs [part=citation]')!;
    const tip = el.querySelector('ol.refs .snip')!;
    expect(tip.getAttribute('role')).toBe('tooltip');
    expect(link.getAttribute('aria-describedby')).toBe(tip.id);
    expect(tip.textContent).toBe('What source 1 says.');
  });
});

describe('the empty panel', () => {
  it("shows the site's name, logo, reply time and suggestions, isolated for bidi", () => {
    const el = answer('', { citations: [], confidence: 1 }, { title: 'Juniper Peak', avatar: 'https://shop.example/logo.png', replyTime: 'hour', suggestions: ['Where is my order?', 'How do returns work?'] });
    const intro = el.querySelector('[part=intro]')!;
    expect(intro.querySelector('h3')!.textContent).toBe('Juniper Peak');
    expect(intro.querySelector('h3')!.getAttribute('dir')).toBe('auto');
    expect(intro.querySelector('img')!.getAttribute('src')).toBe('https://shop.example/logo.png');
    expect(intro.querySelector('p')!.textContent).toBe('The team usually replies within an hour');
    expect([...intro.querySelectorAll('li button')].map((b) => b.textContent)).toEqual(['Where is my order?', 'How do returns work?']);
  });

  it('draws the initial when there is no logo, and never loads an unsafe URL', () => {
    const el = answer('', { citations: [], confidence: 1 }, { title: 'acme', avatar: 'javascript:alert(1)', suggestions: [] });
    expect(el.querySelector('[part=intro] img')).toBeNull();
    expect(el.querySelector('[part=intro] .logo')!.getAttribute('data-i')).toBe('A');
    expect(el.querySelector('[part=intro] ul')).toBeNull();
  });
});
