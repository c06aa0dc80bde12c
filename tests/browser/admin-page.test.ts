/**
 * The admin page (issue 18) on the real Node server, with visitor text sealed at rest: visitors
 * ask answerable and unanswerable questions, rate an answer and ask for a person; the insights
 * API counts each of them on its day, groups the three wordings of one unanswered question, and
 * refuses bad input by name. In Chromium, /admin refuses a wrong token, then shows the totals,
 * four uPlot charts (with their numbers as tables for screen readers) and the unanswered question,
 * under the pages' CSP and with no accessibility violations axe can find.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';
import { launchBrowser, requireBrowser } from './browser';
import { ensureBuilt } from './build';

const ADMIN = 'admin-token-insights-0123456789';
const KEY = `k1:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
let server: TestServer;
let browser: Browser | null = null;

const today = new Date().toISOString().slice(0, 10);
const insights = (query = '', token = ADMIN, site = 'demo') =>
  fetch(`${server.url}/v1/admin/sites/${site}/insights${query}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
const chat = async (id: string, text: string) => {
  const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', id, text }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { answer: { citations: unknown[] } }).answer;
};

beforeAll(async () => {
  await ensureBuilt();
  const [started, launched] = await Promise.all([startTestServer({ ADMIN_TOKEN: ADMIN, DATA_ENCRYPTION_KEY: KEY }), launchBrowser()]);
  server = started;
  browser = requireBrowser(launched.browser, launched.why) ? launched.browser : null;

  // Seven conversations: two resolved (one rated up), one handed to a person, three wordings
  // of one question the demo shop cannot answer, and a greeting.
  expect((await chat('r1', 'How long do I have to return an item?')).citations.length).toBeGreaterThan(0);
  const rated = await TestSocket.open(server.wsUrl());
  await rated.hello();
  const answer = await rated.ask('r2', 'How long do I have to return an item?');
  rated.send({ type: 'feedback', answer: answer.start.id, rating: 'up' });
  const handed = await TestSocket.open(server.wsUrl());
  await handed.hello();
  await handed.ask('h1', 'Do you ship internationally?');
  handed.send({ type: 'handoff', reason: 'a person please' });
  await handed.next('handoff');
  for (const [id, text] of [['l1', 'Do you have a loyalty program?'], ['l2', 'do you have a loyalty program'], ['l3', 'What is your loyalty program?']]) {
    expect((await chat(id, text)).citations).toEqual([]);
  }
  await chat('g1', 'hello');
  rated.close();
  handed.close();
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.destroy();
});

describe('the insights API', () => {
  it("counts the day's answers, resolutions, hand-offs and feedback, and groups the unanswered question's wordings", async () => {
    const res = await insights('?days=7');
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    expect(body.daily).toHaveLength(7);
    expect(body.to).toBe(today);
    expect(body.daily.at(-1)).toMatchObject({ day: today, conversations: 7, resolved: 2, handoffs: 1, unanswered: 3, feedbackUp: 1, feedbackDown: 0, costUsd: 0 });
    expect(body.daily.slice(0, 6).every((d: { answers: number }) => d.answers === 0)).toBe(true);
    expect(body.totals).toMatchObject({ conversations: 7, resolved: 2, resolutionRate: Number((2 / 7).toFixed(3)), satisfaction: 1, handoffs: 1, unanswered: 3 });
    expect(body.totals.answers).toBeGreaterThanOrEqual(7);
    // Opened from the sealed text; the most asked wording names the group.
    expect(body.unanswered).toEqual([{ question: 'do you have a loyalty program', count: 3, lastAt: expect.any(String), variants: ['What is your loyalty program?'] }]);
  });

  it('refuses a bad period, an unknown site and a missing token by name', async () => {
    for (const q of ['?days=0', '?days=366', '?days=7.5', '?days=week']) {
      const res = await insights(q);
      expect(res.status, q).toBe(400);
      expect((await res.json()).error.message).toBe('days must be a whole number from 1 to 365');
    }
    const unknown = await insights('', ADMIN, 'nope');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toEqual({ code: 'unknown_site', message: 'no site "nope"' });
    expect((await insights('', '')).status).toBe(401);
  });
});

describe('the admin page at /admin', () => {
  let page: Page;

  it('is served with the pages’ CSP and asks for the token; a wrong one is refused', async (ctx) => {
    if (!browser) return ctx.skip();
    const res = await fetch(`${server.url}/admin`);
    expect(res.headers.get('content-security-policy')).toContain("style-src 'self'");
    expect(await res.text()).toContain('<script type="module" src="/admin/admin.js"></script>');
    // A locale of its own: this machine's POSIX default ("en-US@posix") is not a tag Intl accepts,
    // and uPlot formats numbers with the browser's language as it loads.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-US' })).newPage();
    const violations: string[] = [];
    await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => (window as any).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`)));
    (page as any).__violations = violations;
    await page.goto(`${server.url}/admin`);
    const form = page.locator('support-admin form');
    await form.getByLabel('Admin token').fill('not-the-token-at-all');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('support-admin').getByRole('alert').getByText('That token was refused').waitFor();
  });

  it('shows the totals, four charts, their numbers for screen readers and the unanswered question', async (ctx) => {
    if (!browser) return ctx.skip();
    const admin = page.locator('support-admin');
    await admin.getByLabel('Admin token').fill(ADMIN);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    const tiles = admin.getByRole('region', { name: 'Totals' });
    await tiles.getByText('Resolved without a person').waitFor();
    expect(await tiles.innerText()).toMatch(/Resolved without a person\s+29%\s+2 of 7 conversations/);
    expect(await tiles.innerText()).toMatch(/Hand-offs\s+1\b/);
    expect(await tiles.innerText()).toMatch(/Feedback\s+100%\s+1 up, 0 down/);
    const charts = admin.locator('admin-chart');
    await expect.poll(() => charts.count()).toBe(4);
    for (let i = 0; i < 4; i++) await charts.nth(i).locator('canvas').waitFor();
    expect(await charts.nth(0).locator('figcaption').innerText()).toBe('Answers per day');
    // The canvas says nothing to a screen reader; the table holds the same numbers.
    const row = charts.nth(0).getByRole('row', { name: new RegExp(today) });
    expect(await row.getByRole('cell').allInnerTexts()).toEqual([expect.stringMatching(/^\d+$/), '3']);
    const list = admin.getByRole('region', { name: 'Top unanswered questions' });
    expect(await list.innerText()).toMatch(/3×\s+“?do you have a loyalty program”?\s+Also asked as: “?What is your loyalty program\?”?/);
    await page.screenshot({ path: '/tmp/admin.png', fullPage: true });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))).toEqual([]);
  });

  it('changes the period, and keeps its CSP', async (ctx) => {
    if (!browser) return ctx.skip();
    const admin = page.locator('support-admin');
    await admin.getByRole('button', { name: '7 days' }).click();
    await expect.poll(() => admin.getByRole('button', { name: '7 days' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => admin.locator('admin-chart').first().getByRole('row').count()).toBe(8);
    expect((page as any).__violations).toEqual([]);
  });
});
