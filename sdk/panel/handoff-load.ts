import type { Conversation } from '../client/conversation';
import { addEnglish } from './i18n';

export type Handoff = typeof import('./handoff');

let ui: Handoff | undefined;
let loading: Promise<void> | undefined;
let settled = false;

/** The hand-off's view, once its file has loaded. */
export const handoffView = (): Handoff | undefined => ui;

/** Whether the conversation shows anything of a hand-off: a ticket, a person's reply, a person typing. */
export const needsHandoff = (conv: Conversation): boolean =>
  conv.typist() !== undefined || conv.items.some((i) => i.kind === 'ticket' || i.kind === 'agent');

/**
 * Fetches the hand-off's file once; the same promise for every panel on the page until it has
 * settled, then undefined. A file that cannot load is not asked for again: the panel goes on
 * without its cards rather than waiting.
 */
export function loadHandoff(): Promise<void> | undefined {
  if (settled) return undefined;
  return (loading ??= import('./handoff')
    .then(
      (m) => {
        addEnglish(m.en);
        ui = m;
      },
      () => undefined,
    )
    .finally(() => void (settled = true)));
}
