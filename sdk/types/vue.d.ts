/**
 * `<support-chat>` in Vue templates, typed for vue-tsc and Volar: attributes as props, the
 * element's events as `@support-chat-answer` and the rest. One import anywhere in the app:
 *
 *   import type {} from '@support-chat/widget/vue';
 *
 * Vue also needs to be told the tag is a custom element (vite.config):
 *   vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'support-chat' } } })
 */
import type { DefineComponent } from 'vue';
import type { SupportChatAttributes, SupportChatEventMap } from '../dist/support-chat.js';

type Listeners = {
  onSupportChatOpen?: (e: SupportChatEventMap['support-chat-open']) => void;
  onSupportChatClose?: (e: SupportChatEventMap['support-chat-close']) => void;
  onSupportChatMessage?: (e: SupportChatEventMap['support-chat-message']) => void;
  onSupportChatAnswer?: (e: SupportChatEventMap['support-chat-answer']) => void;
  onSupportChatHandoff?: (e: SupportChatEventMap['support-chat-handoff']) => void;
  onSupportChatError?: (e: SupportChatEventMap['support-chat-error']) => void;
};

declare module 'vue' {
  interface GlobalComponents {
    'support-chat': DefineComponent<SupportChatAttributes & Listeners>;
  }
}

export {};
