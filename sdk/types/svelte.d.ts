/**
 * `<support-chat>` in Svelte 5 markup, typed for svelte-check: attributes, and the element's
 * events as `onsupport-chat-answer={…}`. One import anywhere in the app (e.g. src/app.d.ts):
 *
 *   import type {} from '@support-chat/widget/svelte';
 *
 * Svelte needs no other configuration for custom elements.
 */
import type { HTMLAttributes } from 'svelte/elements';
import type { SupportChat, SupportChatAttributes, SupportChatEventMap } from '../dist/support-chat.js';

type Listeners = { [K in keyof SupportChatEventMap as `on${K}`]?: (e: SupportChatEventMap[K]) => void };

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
    'support-chat': Omit<HTMLAttributes<SupportChat>, keyof SupportChatAttributes> & SupportChatAttributes & Listeners;
  }
}

export {};
