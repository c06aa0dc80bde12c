// Compile-time checks of the package's types (tsc --noEmit): each @ts-expect-error must be an
// error, so types that had gone `any` fail the check too.
import { createRef } from 'react';
import type { AnswerDetail, HandoffDetail, SupportChat as SupportChatClass } from '@support-chat/widget';
import { SupportChat, type SupportChatElement } from '@support-chat/widget/react';
import type {} from '@support-chat/widget/jsx';

export const props = (
  <SupportChat
    site="demo"
    mode="inline"
    theme="auto"
    locale="ar"
    strings={{ send: 'Go' }}
    onAnswer={(e) => {
      const d: AnswerDetail = e.detail;
      const urls: (string | undefined)[] = d.citations.map((c) => c.url);
      const confidence: number = d.confidence;
      return [urls, confidence];
    }}
    onHandoff={(e) => {
      const d: HandoffDetail = e.detail;
      return d.number?.toFixed(0);
    }}
    onError={(e) => e.detail.code}
  />
);

// @ts-expect-error position is bottom-right or bottom-left
export const badPosition = <SupportChat site="demo" position="middle" />;
// @ts-expect-error an answer's detail has no `foo`
export const badDetail = <SupportChat onAnswer={(e) => e.detail.foo} />;

const ref = createRef<SupportChatElement>();
export const withRef = <SupportChat ref={ref} site="demo" />;
ref.current?.send('Where is my order?');
ref.current?.reset();
// @ts-expect-error send takes the message's text
ref.current?.send(42);

// The same class from the package's main entry, and the element by tag name.
export const same: SupportChatClass | null = ref.current;
const el = document.querySelector('support-chat');
el?.addEventListener('support-chat-answer', (e) => e.detail.citations.length);
el?.open();

// React 19 renders custom elements natively: `@support-chat/widget/jsx` types the tag.
export const native = (
  <support-chat site="demo" theme="dark" onsupport-chat-answer={(e) => e.detail.confidence.toFixed(2)} />
);
// @ts-expect-error theme is light, dark or auto
export const badNative = <support-chat theme="blue" />;
