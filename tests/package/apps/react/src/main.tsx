// A React 19 app as a user writes it: the wrapper from the package, typed props, events and a ref.
import { StrictMode, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SupportChat, type AnswerDetail, type SupportChatElement } from '@support-chat/widget/react';

declare global {
  interface Window {
    __answers: AnswerDetail[];
    __opened: number;
  }
}
window.__answers = [];
window.__opened = 0;

// The test serves this app on its own origin and passes the chat server's.
const endpoint = new URLSearchParams(location.search).get('endpoint') ?? undefined;

function App() {
  const chat = useRef<SupportChatElement>(null);
  const [answers, setAnswers] = useState(0);
  return (
    <main>
      <h1>React shop</h1>
      <button id="ask" onClick={() => chat.current?.send('How long do I have to return an item?')}>
        Ask about returns
      </button>
      <p id="count">{answers} answers</p>
      <SupportChat
        ref={chat}
        site="demo"
        endpoint={endpoint}
        position="bottom-left"
        accent="#0b7a5a"
        onOpen={() => window.__opened++}
        onAnswer={(e) => {
          window.__answers.push(e.detail);
          setAnswers((n) => n + 1);
        }}
      />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
