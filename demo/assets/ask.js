// A minimal client of the HTTP twin (server-sent events), so the demo works before the widget loads.
const form = document.getElementById('ask');
const log = document.getElementById('log');
let session = sessionStorage.getItem('demo-session') || undefined;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = form.elements.question;
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  const turn = document.createElement('div');
  turn.className = 'turn';
  const q = Object.assign(document.createElement('p'), { className: 'q', textContent: text });
  const a = document.createElement('p');
  const meta = Object.assign(document.createElement('p'), { className: 'meta' });
  turn.append(q, a, meta);
  log.prepend(turn);
  try {
    const res = await fetch('/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ site: 'demo', session, id: crypto.randomUUID(), text }),
    });
    if (!res.ok) throw new Error((await res.json()).error?.message || res.statusText);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const frame = JSON.parse(data.slice(6));
        session = frame.session;
        sessionStorage.setItem('demo-session', session);
        if (frame.type === 'answer.delta') a.textContent += frame.text;
        if (frame.type === 'answer.end') {
          meta.textContent = `confidence ${Math.round(frame.confidence * 100)}%`;
          for (const c of frame.citations) {
            meta.append(' · ');
            const link = Object.assign(document.createElement('a'), { textContent: `[${c.n}] ${c.title}`, title: c.snippet });
            if (c.url) link.href = c.url;
            meta.append(link);
          }
        }
        if (frame.type === 'handoff') meta.append(` · ticket ${frame.ticket} opened: a person will reply`);
      }
    }
  } catch (err) {
    a.textContent = `Sorry, that did not work: ${err.message}`;
  }
});
