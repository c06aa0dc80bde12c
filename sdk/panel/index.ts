/**
 * The panel, loaded on first open: the conversation, the socket, Markdown and the view.
 * It imports nothing at run time from the element's file (see element/host.ts).
 */
import { render } from 'lit/html.js';
import type { MountPanel, PanelApi, PanelHost } from '../element/host';
import { Chat } from './chat';
import { handoffView, loadHandoff, needsHandoff } from './handoff-load';
import { loadLocale, localeReady } from './i18n';
import { panelCss } from './styles';
import { panelView, type Actions } from './view';
import { followViewport } from './viewport';
import { trapFocus } from './modal';

const sheets = new Map<string, CSSStyleSheet>();

/** One constructed sheet per text, shared by every element on the page; added after the root's own. */
function adopt(root: ShadowRoot, css: string): void {
  let sheet = sheets.get(css);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheets.set(css, sheet);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

export const mount: MountPanel = (host: PanelHost): PanelApi => {
  adopt(host.root, panelCss);
  const el = host.container;
  el.setAttribute('aria-labelledby', 'title');

  let queued = false;
  let announced = 0;
  let lastAnnounce = '';
  let ticker: ReturnType<typeof setInterval> | undefined;
  let unfollow: (() => void) | undefined;

  const chat = new Chat(host, () => schedule());
  // Full screen under 480px: the panel is modal there (modal.ts).
  const narrow = matchMedia('(max-width: 479.98px)');
  const phone = () => host.isOpen && !host.config().inline && narrow.matches;
  narrow.addEventListener('change', schedule);
  trapFocus(el, host.root, phone);
  const input = () => el.querySelector('textarea');
  const list = () => el.querySelector<HTMLElement>('.list');

  const grow = (ta: HTMLTextAreaElement) => {
    ta.style.height = 'auto';
    ta.style.height = `${Math.min(ta.scrollHeight + 2, 160)}px`;
  };
  const submit = () => {
    const ta = input();
    if (!ta || !ta.value.trim()) return;
    chat.send(ta.value);
    ta.value = '';
    grow(ta);
  };
  const actions: Actions = {
    close: () => host.requestClose(),
    submit: (e) => {
      e.preventDefault();
      submit();
    },
    keydown: (e) => {
      // Enter sends, Shift+Enter is a new line; an IME composing text keeps its Enter.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    },
    input: (e) => {
      const ta = e.target as HTMLTextAreaElement;
      grow(ta);
      chat.typed(ta.value);
    },
    // A ticket is open already: no second one, the visitor is shown where it stands.
    person: () => void (chat.handoff() || el.querySelector<HTMLElement>('[data-live]')?.focus()),
    contact: (e) => {
      e.preventDefault();
      const field = (e.target as HTMLFormElement).elements.namedItem('email') as HTMLInputElement;
      chat.contact(field.value.trim());
    },
  };

  function schedule(): void {
    if (queued) return;
    queued = true;
    queueMicrotask(paint);
  }

  function paint(): void {
    queued = false;
    const c = host.config();
    // Another language's words are a file of their own: the panel waits for them (one request,
    // once) rather than flash English first.
    if (!localeReady(c.locale)) return void loadLocale(c.locale).then(schedule);
    // So does the hand-off's view, the first time a conversation has one.
    const handoff = needsHandoff(chat.conv) ? loadHandoff() : undefined;
    if (handoff) return void handoff.then(schedule);
    const ho = handoffView();
    if (ho) adopt(host.root, ho.css);
    const s = chat.strings;
    if (chat.announce !== lastAnnounce) {
      lastAnnounce = chat.announce;
      announced++;
    }
    const box = list();
    // Follow the conversation only if the visitor was already at its end (not reading back).
    const stick = !box || box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    render(panelView(chat, c, s, actions, announced), el);
    if (stick) list()?.scrollTo({ top: list()!.scrollHeight });
    // Countdowns (reconnect, rate limit) tick once a second while one shows.
    const counting = chat.linkState === 'reconnecting' || chat.notice?.kind === 'limited';
    if (counting && !ticker) ticker = setInterval(schedule, 1000);
    if (!counting && ticker) ticker = void clearInterval(ticker);
    const modal = phone();
    if (modal) el.setAttribute('aria-modal', 'true');
    else el.removeAttribute('aria-modal');
    if (modal && !unfollow) unfollow = followViewport(el);
    if (!modal && unfollow) unfollow = void unfollow();
  }

  // Inline, the panel shows from the start; the socket waits until the visitor turns to it.
  el.addEventListener('focusin', () => chat.activate());
  if (host.config().inline && chat.remembered) chat.activate();
  paint();

  return {
    update() {
      chat.configure();
      schedule();
    },
    activate(focus) {
      chat.activate();
      paint();
      if (focus) input()?.focus();
    },
    send: (text) => chat.send(text),
    reset: () => chat.reset(),
    destroy() {
      chat.stop();
      narrow.removeEventListener('change', schedule);
      unfollow?.();
      unfollow = undefined;
      clearInterval(ticker);
      ticker = undefined;
    },
  };
};
