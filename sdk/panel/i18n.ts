/**
 * Every word the panel shows, per locale. Hosts override any of them through the element's
 * `strings` property; `{name}` placeholders are filled in by `fill`.
 */
export interface Strings {
  title: string;
  greeting: string;
  /** The empty panel: how soon the site's people usually reply. */
  replyMinutes: string;
  replyHour: string;
  replyHours: string;
  replyDay: string;
  /** The list of questions to start with. */
  suggested: string;
  placeholder: string;
  send: string;
  open: string;
  close: string;
  newChat: string;
  person: string;
  messages: string;
  sources: string;
  /** The marker beside "Sources": how well the site's content supports the answer. */
  confHigh: string;
  confMedium: string;
  confLow: string;
  low: string;
  helpful: string;
  unhelpful: string;
  thanks: string;
  /** Asked for a person: waiting in the queue. */
  queued: string;
  /** A person took the conversation ({name}). */
  joined: string;
  /** The same, with the team they answer for ({name}, {team}: the site's name). */
  joinedFrom: string;
  /** The person ({name}) closed it: the assistant answers again. */
  left: string;
  /** Closed before anyone joined. */
  closed: string;
  /** The ticket's number as people say it ({n}). */
  number: string;
  /** Nobody is online: a reply may take a while, leave an email. */
  away: string;
  /** The email field's label. */
  email: string;
  /** The email was taken ({email}: what the visitor typed in this tab). */
  emailed: string;
  /** The email was taken, the address unknown here (another tab, a reload). */
  emailedAny: string;
  /** A person ({name}) is typing. */
  agentTyping: string;
  /** The input's placeholder while a person ({name}) is in the conversation. */
  messageTo: string;
  /** What a screen reader hears of a person's reply ({name}, {text}). */
  said: string;
  typing: string;
  connecting: string;
  reconnecting: string;
  retry: string;
  offline: string;
  limited: string;
  error: string;
  refused: string;
  waiting: string;
  failed: string;
  full: string;
  dismiss: string;
  answered: string;
}

/** Words only a hand-off to a person shows: their English ships in the hand-off's file (handoff.ts). */
export type HandoffKey = 'queued' | 'joined' | 'joinedFrom' | 'left' | 'closed' | 'number' | 'away' | 'email' | 'emailed' | 'emailedAny' | 'agentTyping' | 'messageTo' | 'said';

// Complete once the hand-off's file has loaded (addEnglish); nothing reads those words before.
const en = {
  title: 'Support',
  greeting: 'Hi! Ask me anything about our products, orders and policies.',
  replyMinutes: 'The team usually replies in a few minutes',
  replyHour: 'The team usually replies within an hour',
  replyHours: 'The team usually replies in a few hours',
  replyDay: 'The team usually replies within a day',
  suggested: 'Suggested questions',
  placeholder: 'Type your question…',
  send: 'Send',
  open: 'Open chat',
  close: 'Close chat',
  newChat: 'New conversation',
  person: 'Talk to a person',
  messages: 'Conversation',
  sources: 'Sources',
  confHigh: 'High confidence',
  confMedium: 'Medium confidence',
  confLow: 'Low confidence',
  low: 'This answer may be incomplete.',
  helpful: 'Helpful',
  unhelpful: 'Not helpful',
  thanks: 'Thanks for your feedback.',
  typing: 'Writing an answer…',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting in {s} s…',
  retry: 'Retry now',
  offline: 'You are offline. Messages will be sent when you are back.',
  limited: 'Too many messages. Sending again in {s} s.',
  error: 'Something went wrong on our side. Please try again.',
  refused: 'Sorry, chat is unavailable right now.',
  waiting: 'Waiting to send',
  failed: 'Not sent',
  full: 'Too many messages are waiting. Please wait for the connection.',
  dismiss: 'Dismiss',
  answered: 'Answer: {text}',
} as Strings;

/** The hand-off's English words, added when its file loads. */
export function addEnglish(words: Pick<Strings, HandoffKey>): void {
  Object.assign(en, words);
}




/**
 * English ships in the panel; each other language is a file of its own beside it, fetched the
 * first time a panel speaks it, so a visitor downloads one language's words, not four.
 */
const LOADERS: Record<string, () => Promise<{ default: Strings }>> = {
  es: () => import('./locales/es'),
  de: () => import('./locales/de'),
  ar: () => import('./locales/ar'),
};
const loaded: Record<string, Strings> = { en };
const loading: Record<string, Promise<void>> = {};

/** Every language the panel speaks. */
export const LANGS = ['en', ...Object.keys(LOADERS)];

/** Scripts written right to left: the panel mirrors its layout for them. */
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

const langOf = (tag: string | undefined) => (tag || 'en').toLowerCase().split(/[-_]/)[0];

/** Whether a tag's words are here: loaded, or a language the panel does not have (English stands in). */
export function localeReady(tag: string | undefined): boolean {
  const lang = langOf(tag);
  return lang in loaded || !(lang in LOADERS);
}

/** Fetches a language's words once. A file that cannot load leaves the panel in English rather than empty. */
export function loadLocale(tag: string | undefined): Promise<void> {
  const lang = langOf(tag);
  if (localeReady(lang)) return Promise.resolve();
  return (loading[lang] ??= LOADERS[lang]().then(
    (m) => void (loaded[lang] = m.default),
    () => void (loaded[lang] = en),
  ));
}

/** The best table for a BCP 47 tag ("es-MX" → es), English until (or unless) it has loaded. */
export function resolveLocale(tag: string | undefined): { lang: string; strings: Strings; dir: 'ltr' | 'rtl' } {
  const lang = langOf(tag);
  return { lang, strings: loaded[lang] ?? en, dir: RTL.has(lang) ? 'rtl' : 'ltr' };
}

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, k: string) => (k in values ? String(values[k]) : whole));
}
