/**
 * `import 'support-chat'`: registers the `<support-chat>` element. The panel, Markdown and
 * socket code load from a second file on first open.
 */
import { define } from './define';
import { SupportChat } from './support-chat';

SupportChat.defaultEndpoint ||= new URL(import.meta.url).origin;
define();

export { SupportChat };
export type { Strings } from '../panel/i18n';
export type { PanelConfig } from './host';
export type { SupportChatAttributes } from './attributes';
export type * from './events';
