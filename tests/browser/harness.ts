import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchBrowser, requireBrowser } from './browser';
import { ensureBuilt } from './build';
import { installSpy } from './spy';

/** One server and one browser per test file; each test opens its own context (own storage). */
export interface Harness {
  server: TestServer;
  browser: Browser;
  /** http://127.0.0.1:PORT: pages must come from a real origin for sockets to 127.0.0.1. */
  origin: string;
  contexts: BrowserContext[];
}

/** `dataDir`: a database made beforehand (e.g. sites made with `npm run site`). */
export async function startHarness(dataDir?: string): Promise<Harness | null> {
  await ensureBuilt();
  const [server, { browser, why }] = await Promise.all([startTestServer({}, dataDir), launchBrowser()]);
  if (!requireBrowser(browser, why)) {
    await server.destroy();
    return null;
  }
  return { server, browser: browser!, origin: `http://127.0.0.1:${server.port}`, contexts: [] };
}

/**
 * One server and one browser for the test file; returns `test`, whose tests skip (outside CI)
 * when no browser could start (under CI startHarness fails instead, see browser.ts).
 */
export function browserSuite(before: () => void | Promise<string | void> = () => {}) {
  let h: Harness | null = null;
  beforeAll(async () => {
    const dataDir = await before();
    h = await startHarness(dataDir ?? undefined);
  }, 120_000);
  afterAll(() => stopHarness(h));
  return (name: string, fn: (h: Harness) => Promise<void>, timeout = 30_000) =>
    it(name, async (ctx) => {
      if (!h) return ctx.skip();
      await fn(h);
    }, timeout);
}

export async function stopHarness(h: Harness | null): Promise<void> {
  if (!h) return;
  await h.browser.close().catch(() => {});
  await h.server.destroy();
}

/** A fresh visitor: new storage, the socket spy installed, CSP violations recorded. */
export async function visit(h: Harness, path = '/', options: BrowserContextOptions = {}): Promise<Page> {
  const context = await h.browser.newContext(options);
  h.contexts.push(context);
  await context.addInitScript(installSpy);
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[]; __events: { type: string; detail: unknown }[] };
    w.__csp = [];
    w.__events = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    for (const type of ['open', 'close', 'message', 'answer', 'handoff', 'error']) {
      document.addEventListener(`support-chat-${type}`, (e) => w.__events.push({ type, detail: (e as CustomEvent).detail }));
    }
  });
  const page = await context.newPage();
  await page.goto(h.origin + path);
  return page;
}

export const chat = (page: Page, which = 'support-chat'): Locator => page.locator(which);

export async function openChat(page: Page, which = 'support-chat'): Promise<void> {
  await chat(page, which).locator('.launcher').click();
  await chat(page, which).locator('textarea').waitFor();
}

/** Types a question and presses Enter; resolves when its answer has finished. */
export async function ask(page: Page, text: string, which = 'support-chat'): Promise<void> {
  const c = chat(page, which);
  const before = await c.locator('article.answer[aria-busy=false]').count();
  await c.locator('textarea').fill(text);
  await c.locator('textarea').press('Enter');
  await c.locator('article.answer[aria-busy=false]').nth(before).waitFor({ timeout: 15_000 });
}

/** What the visitor sees, message by message: [kind, text]. */
export async function transcript(page: Page, which = 'support-chat'): Promise<[string, string][]> {
  return chat(page, which)
    .locator('.list > .msg:not([part~=greeting])')
    .evaluateAll((els) =>
      els.map((el) => {
        const kind = el.classList.contains('user') ? 'user' : el.classList.contains('answer') ? 'answer' : el.className.replace('msg ', '');
        // An answer's own words, without its sources list and buttons.
        const words = [...el.children].filter((c) => c.matches('p, ul, ol:not(.refs), pre, blockquote'));
        const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent);
        const text = kind === 'answer' ? words.map((c) => c.textContent).join('\n') : own.join('');
        return [kind, text.trim()] as [string, string];
      }),
    );
}

export async function events(page: Page): Promise<{ type: string; detail: any }[]> {
  return page.evaluate(() => (window as unknown as { __events: { type: string; detail: unknown }[] }).__events);
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

/** The conversation id the widget stored, if any. */
export async function storedSession(page: Page): Promise<string | undefined> {
  return (await stored(page))?.id;
}

/** The conversation the widget keeps: its id and the secret that resumes it. */
export async function stored(page: Page): Promise<{ id: string; resume?: string } | undefined> {
  return page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('support-chat:'));
    return key ? (JSON.parse(localStorage.getItem(key)!) as { id: string; resume?: string }) : undefined;
  });
}
