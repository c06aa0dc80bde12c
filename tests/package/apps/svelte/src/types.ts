// What svelte-check sees for <support-chat> in markup: the package's Svelte types against
// Svelte's own element typings. Each @ts-expect-error must be an error.
import type { SvelteHTMLElements } from 'svelte/elements';
import type {} from '@support-chat/widget/svelte';

type Tag = SvelteHTMLElements['support-chat'];

export const ok: Tag = {
  site: 'demo',
  theme: 'dark',
  mode: 'inline',
  class: 'help',
  'onsupport-chat-answer': (e) => e.detail.citations.map((c) => c.title),
  'onsupport-chat-handoff': (e) => e.detail.number,
};

// @ts-expect-error theme is light, dark or auto
export const badTheme: Tag = { theme: 'blue' };
// @ts-expect-error an answer's detail has no `foo`
export const badEvent: Tag = { 'onsupport-chat-answer': (e) => e.detail.foo };
