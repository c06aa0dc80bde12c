/**
 * The widget's side of a hand-off to a person (issue 14), in Chromium, against a small fake
 * server that speaks protocol v1 and lets the test play the agent: the queue with nobody
 * online and the email form, a person joining, their typing and reply, "talk to a person"
 * while a ticket is open, the hand-back, and a reload with the history. The real server and
 * agent inbox are tested end to end elsewhere; this pins what the visitor sees.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, HistoryEntry, ServerEvent, ServerFrame, UnsequencedEvent } from '@support-chat/protocol';
import { launchBrowser, requireBrowser } from './browser';
import { DIST, ensureBuilt } from './build';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><main><h1>Juniper Peak</h1></main><script src="/sdk/support-chat.iife.js" data-site="demo" async></script></body></html>`;

/** One conversation, kept across sockets: the events log, the history the widget gets on a fresh hello. */
class FakeServer {
  readonly received: ClientFrame[] = [];
  readonly log: ServerEvent[] = [];
  history: HistoryEntry[] = [];
  socket: WebSocket | undefined;
  port = 0;
  private http: Server;

  constructor() {
    this.http = createServer((req, res) => {
      // The page, and the widget's files as the server serves them (script tag, panel, language files).
      const url = req.url ?? '';
      const file = url === '/' ? null : /^\/sdk\/(support-chat[\w.-]*\.js)$/.exec(url)?.[1];
      if (file === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file ? 'text/javascript' : 'text/html' }).end(file ? readFileSync(join(DIST, file)) : PAGE);
    });
    new WebSocketServer({ server: this.http, path: '/v1/ws' }).on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (data) => this.onFrame(JSON.parse(String(data)) as ClientFrame));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', r));
    this.port = (this.http.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    this.socket?.terminate();
    return new Promise((r) => this.http.close(() => r()));
  }

  /** A new event of the conversation, numbered and sent. */
  emit(event: UnsequencedEvent): void {
    const e = { ...event, seq: this.log.length + 1 } as ServerEvent;
    this.log.push(e);
    this.send(e);
  }

  send(frame: ServerFrame): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private onFrame(f: ClientFrame): void {
    this.received.push(f);
    if (f.type === 'hello') {
      // Resumed: the events after `after`; otherwise the history as it stands.
      if (f.after !== undefined) {
        this.send({ type: 'ready', session: 's_fake', seq: f.after, history: [], resumed: true });
        for (const e of this.log.slice(f.after)) this.send(e);
      } else this.send({ type: 'ready', session: 's_fake', seq: this.log.length, history: this.history, resume: 'secret' });
    } else if (f.type === 'message') this.emit({ type: 'ack', id: f.id, text: f.text });
    else if (f.type === 'handoff') this.emit({ type: 'handoff', ticket: 't_8c1f0e', number: 1042, status: 'open', offline: true });
    else if (f.type === 'ping') this.send({ type: 'pong' });
  }
}

let server: FakeServer;
let origin = '';
let browser: Browser | null = null;
let context: BrowserContext | undefined;

beforeAll(async () => {
  await ensureBuilt();
  server = new FakeServer();
  origin = await server.listen();
  const launched = await launchBrowser();
  browser = requireBrowser(launched.browser, launched.why) ? launched.browser : null;
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
});

const chat = (page: Page) => page.locator('support-chat');
const card = (page: Page) => chat(page).locator('[part~=ticket]').first();
const typing = (page: Page) => chat(page).locator('[part=typing]');
const sentOf = (type: string) => server.received.filter((f) => f.type === type);

describe('<support-chat> during a hand-off to a person, in Chromium', () => {
  let page: Page;

  it('waits in the queue with nobody online: the number, not the id, and an email for the reply', async (ctx) => {
    if (!browser) return ctx.skip();
    context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    page = await context.newPage();
    await page.goto(origin + '/');
    await chat(page).locator('.launcher').click();
    const input = chat(page).locator('textarea');
    await input.fill('Can I talk to someone about a damaged tent?');
    await input.press('Enter');
    await expect.poll(() => sentOf('message').length).toBe(1);
    // The assistant has the conversation: typing goes nowhere.
    await input.pressSequentially('More');
    expect(sentOf('typing')).toEqual([]);
    await input.fill('');
    // The hand-off's view is a file of its own: not fetched until a conversation has one.
    const fetched = () => page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('support-chat-handoff')));
    expect(await fetched()).toBe(false);

    await chat(page).locator('.head [part=handoff]').click();
    await card(page).getByText("You're in the queue.", { exact: false }).waitFor();
    expect(await fetched()).toBe(true);
    // The live region says it too (its words come with that file).
    await expect.poll(() => chat(page).locator('.sr').textContent()).toContain("You're in the queue. Someone from our team will reply here.");
    const text = await card(page).textContent();
    expect(text).toContain('Ticket #1042');
    expect(text).not.toContain('t_8c1f0e');
    expect(text).toContain('a reply may take a while');

    await page.screenshot({ path: '/tmp/widget-handoff-queued.png' });
    await card(page).locator('input[type=email]').fill('sam@example.com');
    await card(page).getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => sentOf('contact')).toEqual([{ type: 'contact', email: 'sam@example.com' }]);
    server.emit({ type: 'handoff', ticket: 't_8c1f0e', number: 1042, status: 'open', offline: true, contact: true });
    await card(page).getByText("We'll email you at sam@example.com.").waitFor();
    expect(await card(page).locator('form').count()).toBe(0);
  });

  it('a person joins, types and replies: their name, the joined line, the typing line, the placeholder', async (ctx) => {
    if (!browser) return ctx.skip();
    server.emit({ type: 'handoff', ticket: 't_8c1f0e', number: 1042, status: 'open', agent: { name: 'Alex' } });
    await card(page).getByText('Alex joined the conversation').waitFor();
    expect(await card(page).textContent()).toContain('Ticket #1042');
    const input = chat(page).locator('textarea');
    expect(await input.getAttribute('placeholder')).toBe('Message Alex…');

    // The visitor types: one signal, not one per key.
    await input.pressSequentially('It arrived torn', { delay: 20 });
    expect(sentOf('typing')).toEqual([{ type: 'typing', active: true }]);
    await input.fill('');
    await input.dispatchEvent('input');
    await expect.poll(() => sentOf('typing').at(-1)).toEqual({ type: 'typing', active: false });

    server.send({ type: 'typing', who: 'agent', active: true, name: 'Alex' });
    await typing(page).getByText('Alex is typing…').waitFor();
    expect(await typing(page).getAttribute('aria-live')).toBe('polite');
    server.emit({ type: 'agent.message', id: 'am_1', text: "Sorry about that! I'll send a replacement today.", agent: { name: 'Alex' } });
    const reply = chat(page).locator('[part~=agent]');
    await reply.waitFor();
    await expect.poll(() => typing(page).textContent()).toBe('');
    expect(await reply.locator('.who').textContent()).toBe('Alex');
    expect(await reply.locator('.av').evaluate((a) => getComputedStyle(a, '::before').content)).toBe('"A"');
    expect(await reply.textContent()).toContain('send a replacement today');
    expect(await reply.locator('[part=feedback], .refs').count()).toBe(0);

    // "Talk to a person" again: no second ticket; the one open is shown.
    await chat(page).locator('.head [part=handoff]').click();
    expect(await page.evaluate(() => document.querySelector('support-chat')!.shadowRoot!.activeElement?.getAttribute('data-phase'))).toBe('joined');
    expect(sentOf('handoff')).toHaveLength(1);

    server.send({ type: 'typing', who: 'agent', active: true, name: 'Alex' });
    await typing(page).getByText('Alex is typing…').waitFor();
    await input.focus();
    await chat(page).locator('.list').evaluate((l) => l.scrollTo({ top: l.scrollHeight }));
    await page.screenshot({ path: '/tmp/widget-handoff.png' });
    await chat(page).evaluate((el) => el.setAttribute('locale', 'ar'));
    await typing(page).getByText('Alex: جارٍ الكتابة…').waitFor();
    expect(await chat(page).locator('[part=panel]').evaluate((p) => getComputedStyle(p).direction)).toBe('rtl');
    expect(await input.getAttribute('placeholder')).toBe('رسالة إلى Alex…');
    await page.screenshot({ path: '/tmp/widget-handoff-ar.png' });
    await chat(page).evaluate((el) => el.setAttribute('locale', 'en'));
  });

  it('hands back to the assistant: the person left, after their reply', async (ctx) => {
    if (!browser) return ctx.skip();
    server.emit({ type: 'handoff', ticket: 't_8c1f0e', number: 1042, status: 'closed', agent: { name: 'Alex' } });
    const left = chat(page).locator('[data-phase=left]');
    await left.waitFor();
    expect(await left.textContent()).toBe('Alex left the conversation. The assistant will answer from here.');
    expect(await typing(page).textContent()).toBe('');
    expect(await chat(page).locator('textarea').getAttribute('placeholder')).toBe('Type your question…');
    const order = await chat(page).locator('.list > .msg').evaluateAll((els) => els.map((e) => e.getAttribute('data-phase') ?? e.getAttribute('part')));
    expect(order).toEqual(['message greeting', 'message user', 'closed', 'message agent', 'left']);
  });

  it('after a reload, the history shows the same, each reply once, even with a replay', async (ctx) => {
    if (!browser) return ctx.skip();
    const at = new Date().toISOString();
    const asked = sentOf('message')[0] as Extract<ClientFrame, { type: 'message' }>;
    server.history = [
      { role: 'user', id: asked.id, text: asked.text, at },
      { role: 'ticket', ticket: 't_8c1f0e', number: 1042, status: 'closed', agent: { name: 'Alex' }, at },
      { role: 'agent', id: 'am_1', text: "Sorry about that! I'll send a replacement today.", agent: { name: 'Alex' }, at },
    ];
    await page.reload();
    await chat(page).locator('.launcher').click();
    await chat(page).locator('[part~=agent]').waitFor();
    // The same reply again (a late replay under a later number): still once.
    server.emit({ type: 'agent.message', id: 'am_1', text: "Sorry about that! I'll send a replacement today.", agent: { name: 'Alex' } });
    server.emit({ type: 'ack', id: 'm_other_tab', text: 'Sent from my phone tab' });
    await chat(page).getByText('Sent from my phone tab').waitFor();
    expect(await chat(page).locator('[part~=agent]').count()).toBe(1);
    const order = await chat(page).locator('.list > .msg').evaluateAll((els) => els.map((e) => e.getAttribute('data-phase') ?? e.getAttribute('part')));
    expect(order).toEqual(['message greeting', 'message user', 'closed', 'message agent', 'left', 'message user']);
    expect(await card(page).textContent()).toContain('Ticket #1042');
    await context?.close();
  });

  it("when the hand-off's file cannot load, a person's reply still shows, as plain text", async (ctx) => {
    if (!browser) return ctx.skip();
    const other = await browser.newContext({ viewport: { width: 900, height: 760 } });
    await other.route('**/support-chat-handoff.js', (route) => route.abort());
    const tab = await other.newPage();
    await tab.goto(origin + '/');
    await chat(tab).locator('.launcher').click();
    const reply = chat(tab).locator('[part~=agent]');
    await reply.waitFor();
    expect(await reply.textContent()).toBe("Sorry about that! I'll send a replacement today.");
    // A person joins again and writes: shown all the same, without the words that file brings.
    server.emit({ type: 'handoff', ticket: 't_9d2a1b', number: 1043, status: 'open', agent: { name: 'Alex' } });
    server.emit({ type: 'agent.message', id: 'am_2', text: 'Back again: the replacement ships today.', agent: { name: 'Alex' } });
    await chat(tab).getByText('Back again: the replacement ships today.').waitFor();
    expect(await chat(tab).locator('textarea').getAttribute('placeholder')).toBe('Type your question…');
    // The rest of the panel works on: the visitor can still write.
    await chat(tab).locator('textarea').fill('Thanks!');
    await chat(tab).locator('textarea').press('Enter');
    await expect.poll(() => sentOf('message').some((f) => (f as { text?: string }).text === 'Thanks!')).toBe(true);
    await other.close();
  });
});
