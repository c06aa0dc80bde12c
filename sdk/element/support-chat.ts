import type { Strings } from '../panel/i18n';
import type { DetailOf, SupportChatEventMap, SupportChatEventName } from './events';
import type { PanelApi, PanelConfig, PanelHost } from './host';
import { loadPanel } from './load-panel';
import { shellCss } from './shell.styles';
import { themeRule } from './theme';

const PROPS = ['site', 'key', 'endpoint', 'greeting', 'placeholder', 'position', 'mode', 'theme', 'accent', 'radius', 'font', 'locale'] as const;

/** The launcher's name before the panel (and its translations) has loaded. */
const LAUNCHER: Record<string, [open: string, close: string]> = {
  en: ['Open chat', 'Close chat'],
  es: ['Abrir chat', 'Cerrar chat'],
  de: ['Chat öffnen', 'Chat schließen'],
  ar: ['فتح المحادثة', 'إغلاق المحادثة'],
};

let shared: CSSStyleSheet | undefined;

function icon(d: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}

/** The shadow tree: a frame holding the panel (filled in when it loads) and the launcher. */
function build(root: ShadowRoot, theme: CSSStyleSheet) {
  if (!shared) (shared = new CSSStyleSheet()).replaceSync(shellCss);
  root.adoptedStyleSheets = [shared, theme];
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  };
  // title="": the host's `title` attribute would otherwise show as a tooltip over the whole widget.
  const frame = el('div', { class: 'frame', title: '' });
  const container = el('section', { id: 'panel', class: 'panel', part: 'panel', hidden: '' });
  const launcher = el('button', { type: 'button', class: 'launcher', part: 'launcher', 'aria-controls': 'panel' });
  launcher.append(icon('M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z'), icon('M6 6l12 12M18 6L6 18'));
  frame.append(container, launcher);
  root.append(frame);
  return { frame, container, launcher };
}

function fire(target: EventTarget, name: string, detail: unknown): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}

/**
 * A support assistant for any page: a launcher and a chat panel that streams answers with
 * their sources over a WebSocket. Only the launcher loads with the page; the panel, Markdown
 * and the socket load when it first opens. Nothing is stored and no socket opens before that.
 *
 * @tag support-chat
 * @summary Realtime AI customer support with citations, handoff to a person and resumable streams.
 *
 * @attr site - The site id the server knows this page by (required).
 * @attr key - The site's public key (`pk_…`), for a site that asks for one (`npm run site -- keys`).
 * @attr endpoint - The server's origin; defaults to the origin the script was loaded from.
 * @attr title - The panel's heading.
 * @attr greeting - The first message shown in a new conversation.
 * @attr placeholder - The input's placeholder.
 * @attr position - `bottom-right` (default) or `bottom-left`.
 * @attr mode - `launcher` (default): a button that opens a floating panel; `inline`: the panel in the page flow.
 * @attr theme - `light` (default), `dark` or `auto` (follows the visitor's system).
 * @attr accent - The brand colour (any CSS colour).
 * @attr radius - The panel's corner radius (any CSS length).
 * @attr font - The font family (any CSS font-family value).
 * @attr locale - `en`, `es`, `de` or `ar` (right to left); defaults to the page's language.
 * @attr open - Present while the panel is open; set or remove it to open or close.
 *
 * @fires support-chat-open - The panel opened.
 * @fires support-chat-close - The panel closed.
 * @fires support-chat-message - The visitor sent a message: `{ id, text }`.
 * @fires support-chat-answer - An answer finished: `{ id, replyTo, text, citations, confidence, handoff }`.
 * @fires support-chat-handoff - A ticket for a person was opened, a person joined, or it was closed: `{ ticket, number?, status, agent? }`.
 * @fires support-chat-error - The visitor was told of a problem: `{ code, message, retryAfter?, ref? }`.
 *
 * @csspart launcher - The round button that opens and closes the panel.
 * @csspart panel - The chat panel.
 * @csspart header - The panel's top bar with the title and actions.
 * @csspart messages - The scrolling list of messages.
 * @csspart intro - The empty panel's heading: the site's name and logo, reply time and suggested questions.
 * @csspart message - One message (also `message user`, `message answer`, `message agent`, `message ticket`).
 * @csspart citation - A numbered source link under an answer.
 * @csspart feedback - The helpful / not helpful buttons.
 * @csspart handoff - The "talk to a person" buttons.
 * @csspart status - The connection and error notice.
 * @csspart typing - The line that says a person is typing.
 * @csspart input - The text area.
 * @csspart send - The send button.
 *
 * @cssprop --support-chat-accent - Brand colour: launcher, send button, visitor's messages.
 * @cssprop --support-chat-accent-text - Text on the accent colour.
 * @cssprop --support-chat-bg - Panel background.
 * @cssprop --support-chat-fg - Text colour.
 * @cssprop --support-chat-muted - Secondary text.
 * @cssprop --support-chat-surface - Background of the assistant's messages.
 * @cssprop --support-chat-border - Borders.
 * @cssprop --support-chat-font - Font family.
 * @cssprop --support-chat-font-size - Base font size (inputs never go below 16px on phones).
 * @cssprop --support-chat-radius - Corner radius.
 * @cssprop --support-chat-spacing - Base spacing.
 * @cssprop --support-chat-width - Panel width (launcher mode).
 * @cssprop --support-chat-height - Panel height.
 * @cssprop --support-chat-offset - Distance from the corner of the window.
 * @cssprop --support-chat-shadow - Shadow of the launcher and panel.
 * @cssprop --support-chat-z-index - Stacking order (default 2147483000).
 */
export class SupportChat extends HTMLElement implements PanelHost {
  static readonly observedAttributes = [...PROPS, 'title', 'open'];
  /** The default `endpoint`: the origin of the script that defined the element. */
  static defaultEndpoint = '';

  declare site: string | null;
  declare key: string | null;
  declare endpoint: string | null;
  declare greeting: string | null;
  declare placeholder: string | null;
  declare position: 'bottom-right' | 'bottom-left' | null;
  declare mode: 'launcher' | 'inline' | null;
  declare theme: 'light' | 'dark' | 'auto' | null;
  declare accent: string | null;
  declare radius: string | null;
  declare font: string | null;
  declare locale: string | null;

  /** @internal */
  readonly container: HTMLElement;
  private readonly frame: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private readonly theme_ = new CSSStyleSheet();
  private strings_: Partial<Strings> = {};
  private api: Promise<PanelApi | undefined> | undefined;
  private shown = false;

  constructor() {
    super();
    ({ frame: this.frame, container: this.container, launcher: this.launcher } = build(this.attachShadow({ mode: 'open' }), this.theme_));
    this.launcher.addEventListener('click', () => this.toggle());
    // Start fetching the panel as soon as the visitor shows interest.
    for (const e of ['pointerenter', 'focus', 'touchstart']) this.launcher.addEventListener(e, () => void this.panel(), { once: true, passive: true });
    this.frame.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.shown && !this.inline) {
        e.stopPropagation();
        this.close();
      }
    });
  }

  /** @internal */
  get root(): ShadowRoot {
    return this.shadowRoot!;
  }

  /** Strings to use instead of the locale's own (any subset of the `Strings` keys). */
  get strings(): Partial<Strings> {
    return this.strings_;
  }
  set strings(value: Partial<Strings>) {
    this.strings_ = value ?? {};
    this.render();
  }

  /** Whether the panel is showing. */
  get isOpen(): boolean {
    return this.shown;
  }

  private get inline(): boolean {
    return this.getAttribute('mode') === 'inline';
  }

  connectedCallback(): void {
    this.render();
    // Inline, the panel is part of the page; it connects when the visitor turns to it.
    if (this.inline) void this.panel();
    // Moved in the page while open: the socket closed with the old place, open it again.
    else if (this.shown) void this.api?.then((api) => api?.activate(false));
  }

  disconnectedCallback(): void {
    void this.api?.then((api) => api?.destroy());
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old !== value) this.render();
  }

  /** Opens the panel (loading it the first time), connects, and moves focus into it. */
  open(): void {
    this.toggleAttribute('open', true);
  }

  /** Closes the panel and gives focus back to the launcher. */
  close(): void {
    this.toggleAttribute('open', false);
  }

  toggle(): void {
    if (this.shown) this.close();
    else this.open();
  }

  /** Sends a message as if the visitor typed it (opens the panel). */
  send(text: string): void {
    this.open();
    void this.panel().then((api) => api?.send(text));
  }

  /** Forgets this conversation (and its stored id) and starts a new one. */
  reset(): void {
    void this.panel().then((api) => api?.reset());
  }

  /** @internal */
  config(): PanelConfig {
    const a = (n: string) => this.getAttribute(n) ?? undefined;
    return {
      site: a('site') ?? '',
      key: a('key'),
      endpoint: a('endpoint') || SupportChat.defaultEndpoint || location.origin,
      title: a('title'),
      greeting: a('greeting'),
      placeholder: a('placeholder'),
      locale: this.locale_(),
      inline: this.inline,
      strings: this.strings_,
    };
  }

  /** @internal */
  emit<K extends SupportChatEventName>(name: K, detail: DetailOf<K>): void {
    fire(this, name, detail);
  }

  /** @internal */
  requestClose(): void {
    this.close();
  }

  private locale_(): string {
    return this.getAttribute('locale') || this.closest('[lang]')?.getAttribute('lang') || navigator.language || 'en';
  }

  /** Brings the element in line with its attributes; cheap enough to run on every change. */
  private render(): void {
    this.theme_.replaceSync(themeRule((n) => this.getAttribute(n)));
    const lang = this.locale_().toLowerCase().split(/[-_]/)[0];
    // On the panel, not the frame: the launcher keeps to the corner `position` names.
    this.container.dir = lang === 'ar' || lang === 'he' || lang === 'fa' || lang === 'ur' ? 'rtl' : 'ltr';
    this.container.lang = lang;
    const want = this.inline || this.hasAttribute('open');
    const labels = LAUNCHER[lang] ?? LAUNCHER.en;
    this.launcher.hidden = this.inline;
    this.launcher.setAttribute('aria-label', want ? this.strings_.close ?? labels[1] : this.strings_.open ?? labels[0]);
    this.launcher.setAttribute('aria-expanded', String(want));
    this.container.setAttribute('role', this.inline ? 'region' : 'dialog');
    void this.api?.then((api) => api?.update());
    if (want === this.shown) return;
    this.shown = want;
    this.container.hidden = !want;
    if (this.inline) return;
    if (want) {
      void this.panel().then((api) => api?.activate(true));
      this.emit('support-chat-open', {});
    } else {
      // Focus inside the panel would be lost with it: it goes back to the launcher.
      if (this.root.activeElement && this.container.contains(this.root.activeElement)) this.launcher.focus();
      this.emit('support-chat-close', {});
    }
  }

  /** The panel module, loaded once; undefined (and the panel says so) if it cannot load. */
  private panel(): Promise<PanelApi | undefined> {
    this.api ??= loadPanel().then(
      ({ mount }) => {
        this.container.removeAttribute('aria-busy');
        const api = mount(this);
        if (this.inline && this.hasAttribute('open')) api.activate(false);
        return api;
      },
      () => {
        this.container.removeAttribute('aria-busy');
        this.container.textContent = 'The chat could not load. Please check your connection and reload the page.';
        this.api = undefined;
        return undefined;
      },
    );
    if (!this.container.hasChildNodes()) this.container.setAttribute('aria-busy', 'true');
    return this.api;
  }
}

for (const name of PROPS) {
  Object.defineProperty(SupportChat.prototype, name, {
    get(this: HTMLElement) {
      return this.getAttribute(name);
    },
    set(this: HTMLElement, v: string | null) {
      if (v == null) this.removeAttribute(name);
      else this.setAttribute(name, v);
    },
  });
}

declare global {
  interface HTMLElementTagNameMap {
    'support-chat': SupportChat;
  }
  // The element's events, typed for addEventListener on it and on any ancestor (they bubble).
  interface HTMLElementEventMap extends SupportChatEventMap {}
}
