/**
 * `<support-chat>` as a tag in React 19 JSX (React renders custom elements natively since 19;
 * the wrapper in `@support-chat/widget/react` also works on React 18). Attributes are typed, and
 * the events are `onsupport-chat-answer={…}` (React 19 listens to them under that name).
 *
 *   import type {} from '@support-chat/widget/jsx';
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { SupportChat, SupportChatAttributes, SupportChatEventMap } from '../dist/support-chat.js';

type Listeners = { [K in keyof SupportChatEventMap as `on${K}`]?: (e: SupportChatEventMap[K]) => void };

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'support-chat': Omit<DetailedHTMLProps<HTMLAttributes<SupportChat>, SupportChat>, keyof SupportChatAttributes> & SupportChatAttributes & Listeners;
    }
  }
}

export {};
