import { SupportChat } from './support-chat';

/** Registers `<support-chat>` unless a copy of the widget already did (two embeds on one page). */
export function define(): void {
  if (!customElements.get('support-chat')) customElements.define('support-chat', SupportChat);
}
