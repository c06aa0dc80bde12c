/**
 * `import { SupportChat } from '@support-chat/widget/react'`: `<support-chat>` as a React
 * component. Attributes are typed props, the element's events are `onOpen`, `onAnswer`…
 * (React 18 cannot listen to custom events by itself), and a ref is the element.
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { SupportChat as SupportChatElement } from '../element/index';
import type { SupportChatEventMap } from '../element/events';

type On<K extends keyof SupportChatEventMap> = EventName<SupportChatEventMap[K]>;

export const SupportChat = createComponent({
  tagName: 'support-chat',
  elementClass: SupportChatElement,
  react: React,
  events: {
    onOpen: 'support-chat-open' as On<'support-chat-open'>,
    onClose: 'support-chat-close' as On<'support-chat-close'>,
    onMessage: 'support-chat-message' as On<'support-chat-message'>,
    onAnswer: 'support-chat-answer' as On<'support-chat-answer'>,
    onHandoff: 'support-chat-handoff' as On<'support-chat-handoff'>,
    onError: 'support-chat-error' as On<'support-chat-error'>,
  },
  displayName: 'SupportChat',
});

export type { SupportChatElement };
export type * from '../element/events';
export type { SupportChatAttributes } from '../element/attributes';
export type { Strings } from '../panel/i18n';
