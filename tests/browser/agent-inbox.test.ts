/**
 * The agent inbox end to end (issue 14), on the real Node server in Chromium: a visitor on the
 * demo shop asks for a person; an agent (made through the admin API) signs in at /agent, sees
 * the ticket with its transcript, watches the visitor type and replies; the visitor sees the
 * reply under the agent's name while the assistant stays silent, and after a reload sees
 * everything once; the agent closes the ticket and the assistant answers again.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchBrowser, requireBrowser } from './browser';
import { ensureBuilt } from './build';
import { ask, chat, cspViolations, openChat, transcript, visit, type Harness } from './harness';

const ADMIN = 'admin-token-inbox-0123456789';
const AGENT = { email: 'alex@juniper.example', name: 'Alex Rivera', password: 'correct horse battery' };
const SAM = { email: 'sam@juniper.example', name: 'Sam Okafor', password: 'another long password' };

/** Another agent, through the API with their own cookie: takes the ticket first. */
async function samTakes(ticketId: string): Promise<void> {
  const login = await fetch(`${h.origin}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: SAM.email, password: SAM.password }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const res = await fetch(`${h.origin}/agent/api/tickets/${ticketId}/assign`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(200);
}

let server: TestServer | undefined;
let browser: Browser | null = null;
let h: Harness;

beforeAll(async () => {
  // The widget's bundles and the inbox's, rebuilt when their sources changed.
  await ensureBuilt();
  const [started, launched] = await Promise.all([startTestServer({ ADMIN_TOKEN: ADMIN }), launchBrowser()]);
  server = started;
  browser = requireBrowser(launched.browser, launched.why) ? launched.browser : null;
  h = { server, browser: browser!, origin: `http://127.0.0.1:${server.port}`, contexts: [] };
  const made = await fetch(`${h.origin}/v1/admin/agents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site: 'demo', ...AGENT }),
  });
  expect(made.status, await made.clone().text()).toBe(201);
  const sam = await fetch(`${h.origin}/v1/admin/agents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site: 'demo', ...SAM }),
  });
  expect(sam.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.destroy();
});

const inbox = (page: Page) => page.locator('support-inbox');
const ticketView = (page: Page) => page.locator('inbox-ticket');

async function signIn(page: Page, password = AGENT.password): Promise<void> {
  const form = page.locator('inbox-sign-in');
  await form.locator('input[name=email]').fill(AGENT.email);
  await form.locator('input[name=password]').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

describe('the agent inbox at /agent, with a visitor on the demo shop', () => {
  let visitor: Page;
  let agent: Page;
  let ticketNumber = '';

  it('the visitor asks a question, then for a person: a ticket opens', async (ctx) => {
    if (!browser) return ctx.skip();
    visitor = await visit(h, '/');
    await openChat(visitor);
    await ask(visitor, 'Do you ship internationally?');
    await chat(visitor).locator('.head [part=handoff]').click();
    const card = chat(visitor).locator('[part~=ticket]').first();
    await card.waitFor();
    ticketNumber = /#(\d+)/.exec((await card.textContent()) ?? '')?.[1] ?? '';
    expect(ticketNumber).not.toBe('');
  }, 60_000);

  it('the agent signs in (a wrong password first) and sees the ticket in the queue', async (ctx) => {
    if (!browser) return ctx.skip();
    agent = await visit(h, '/agent', { viewport: { width: 1280, height: 800 } });
    await checkPage(agent);
    await signIn(agent, 'not the password');
    await inbox(agent).locator('inbox-sign-in [role=alert]').getByText('Wrong email or password.').waitFor();
    expect(await axe(agent)).toEqual([]);
    await signIn(agent);
    const row = inbox(agent).locator(`inbox-queue a.row:has(.num:text-is("#${ticketNumber}"))`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Do you ship internationally?');
    expect(await row.locator('.a').textContent()).toMatch(/ship/i);
    expect(await inbox(agent).locator('header .who').textContent()).toContain(AGENT.name);
  }, 60_000);

  it('opens the ticket: the transcript, live; the visitor typing is shown', async (ctx) => {
    if (!browser) return ctx.skip();
    await inbox(agent).locator(`inbox-queue a.row:has(.num:text-is("#${ticketNumber}"))`).click();
    expect(agent.url()).toMatch(/#t=t_/);
    await ticketView(agent).locator('h2').getByText(`Ticket #${ticketNumber}`).waitFor();
    const log = ticketView(agent).locator('.log');
    await log.locator('.msg.user').getByText('Do you ship internationally?').waitFor();
    expect(await log.locator('.msg.assistant').count()).toBeGreaterThanOrEqual(1);
    await log.locator('.note').first().waitFor();
    // A deep link opens the same ticket after a reload, still signed in.
    await agent.reload();
    await ticketView(agent).locator('.log .msg.user').first().waitFor();

    // 375 px wide: the ticket alone, "← Queue" back to the list, and the row again.
    await agent.setViewportSize({ width: 375, height: 740 });
    expect(await inbox(agent).locator('inbox-queue').isVisible()).toBe(false);
    await ticketView(agent).getByRole('button', { name: 'Back to the queue' }).click();
    const row = inbox(agent).locator(`inbox-queue a.row:has(.num:text-is("#${ticketNumber}"))`);
    await row.waitFor();
    expect(await ticketView(agent).count()).toBe(0);
    expect(await agent.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await row.click();
    await ticketView(agent).locator('.log .msg.user').first().waitFor();
    expect(await agent.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await agent.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it('another agent holds it: the queue says so; "Assign to me" offers to take over', async (ctx) => {
    if (!browser) return ctx.skip();
    const id = decodeURIComponent(/#t=([^&]+)/.exec(agent.url())![1]);
    await samTakes(id);
    const row = inbox(agent).locator(`inbox-queue a.row:has(.num:text-is("#${ticketNumber}"))`);
    await row.locator('.holder').getByText(`taken by ${SAM.name}`).waitFor({ timeout: 10_000 });
    await ticketView(agent).getByRole('button', { name: 'Assign to me' }).click();
    await ticketView(agent).locator('.banner').getByText(`${SAM.name} is handling this ticket.`).waitFor();
    await ticketView(agent).getByRole('button', { name: 'Take over' }).click();
    await ticketView(agent).locator('.meta').getByText('yours').waitFor();
    await row.locator('.badge.mine').waitFor({ timeout: 10_000 });
  }, 60_000);

  it('"Suggest a reply" fills the box, marked, with its sources; nothing is sent', async (ctx) => {
    if (!browser) return ctx.skip();
    await ticketView(agent).getByRole('button', { name: 'Suggest a reply' }).click();
    const composer = ticketView(agent).locator('inbox-composer');
    await composer.locator('.suggested').getByText('Suggested from sources — edit before sending').waitFor({ timeout: 20_000 });
    expect((await composer.locator('textarea').inputValue()).length).toBeGreaterThan(10);
    await agent.waitForTimeout(500);
    expect(await chat(visitor).locator('[part~=agent]').count()).toBe(0);
    await composer.locator('textarea').fill('');
    await composer.locator('textarea').dispatchEvent('input');
    expect(await composer.locator('.suggested').count()).toBe(0);
  }, 60_000);

  it('the agent replies; the visitor sees it under the agent’s name, the assistant silent meanwhile', async (ctx) => {
    if (!browser) return ctx.skip();
    const box = ticketView(agent).locator('inbox-composer textarea');
    await box.fill('Hi, I’m Alex. We ship to Canada too — where are you?');
    await box.press('Enter');
    const reply = chat(visitor).locator('[part~=agent]');
    await reply.waitFor({ timeout: 15_000 });
    expect(await reply.locator('.who').textContent()).toBe(AGENT.name);
    expect(await reply.textContent()).toContain('We ship to Canada too');
    // In the inbox: the reply once, the ticket now the agent's own.
    await expect.poll(() => ticketView(agent).locator('.msg.agent').count()).toBe(1);
    await ticketView(agent).locator('.meta').getByText('yours').waitFor();

    // The visitor types (the agent sees it) and writes again: the assistant does not answer.
    const answers = await chat(visitor).locator('article.answer').count();
    const input = chat(visitor).locator('textarea');
    await input.pressSequentially('I am in Tor', { delay: 30 });
    await ticketView(agent).locator('.typing').getByText('Visitor is typing…').waitFor({ timeout: 10_000 });
    await input.fill('I am in Toronto, Ontario.');
    await input.press('Enter');
    await ticketView(agent).locator('.log .msg.user').getByText('I am in Toronto, Ontario.').waitFor({ timeout: 10_000 });
    await agent.waitForTimeout(1500);
    expect(await chat(visitor).locator('article.answer').count()).toBe(answers);
    expect(await ticketView(agent).locator('.log .msg.user').getByText('I am in Toronto, Ontario.').count()).toBe(1);
    await agent.screenshot({ path: '/tmp/inbox.png' });
    expect(await axe(agent)).toEqual([]);
  }, 60_000);

  it('after a reload the visitor sees everything once', async (ctx) => {
    if (!browser) return ctx.skip();
    await visitor.reload();
    await openChat(visitor);
    await chat(visitor).locator('[part~=agent]').waitFor();
    const seen = await transcript(visitor);
    const count = (kind: string, text: string) => seen.filter(([k, t]) => k === kind && t.includes(text)).length;
    expect(count('user', 'Do you ship internationally?')).toBe(1);
    expect(count('user', 'I am in Toronto, Ontario.')).toBe(1);
    expect(await chat(visitor).locator('[part~=agent]').count()).toBe(1);
  }, 60_000);

  it('the agent closes the ticket; the assistant answers the next question', async (ctx) => {
    if (!browser) return ctx.skip();
    await ticketView(agent).getByRole('button', { name: 'Close', exact: true }).click();
    await ticketView(agent).getByRole('button', { name: 'Close ticket' }).click();
    await ticketView(agent).locator('.badge').getByText('Closed').waitFor();
    expect(await ticketView(agent).locator('inbox-composer textarea').isDisabled()).toBe(true);
    await chat(visitor).locator('[data-phase=left]').waitFor({ timeout: 10_000 });
    await ask(visitor, 'How long does shipping take?');
    const last = (await transcript(visitor)).at(-1)!;
    expect(last[0]).toBe('answer');
    expect(last[1]).toMatch(/business days/);
    // The queue: gone from Open, listed under Closed.
    await expect.poll(() => inbox(agent).locator(`inbox-queue a.row:has(.num:text-is("#${ticketNumber}"))`).count(), { timeout: 10_000 }).toBe(0);
    await inbox(agent).locator('inbox-queue [role=tab]').getByText('Closed').click();
    await inbox(agent).locator(`inbox-queue a.row:has(.num:text-is("#${ticketNumber}"))`).waitFor();
  }, 60_000);

  it('a session that ends elsewhere returns to the sign-in, saying so; sign-out; the page kept to its CSP', async (ctx) => {
    if (!browser) return ctx.skip();
    // The session ends (as on expiry): the next queue refresh gets 401 and the form says why.
    await agent.evaluate(() => fetch('/agent/logout', { method: 'POST' }));
    await inbox(agent).locator('inbox-sign-in').getByText('Your session has ended. Sign in again.').waitFor({ timeout: 10_000 });
    await signIn(agent);
    await inbox(agent).getByRole('button', { name: 'Sign out' }).click();
    await inbox(agent).locator('inbox-sign-in').getByText('You signed out.').waitFor();
    expect((await fetch(`${h.origin}/agent/me`)).status).toBe(401);
    expect(await cspViolations(agent)).toEqual([]);
  });
});

/** Accessibility problems axe finds, as "rule: where". */
async function axe(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** The page itself: served with the pages' CSP, loading only its own module. */
async function checkPage(page: Page): Promise<void> {
  const res = await fetch(`${h.origin}/agent`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  const html = await res.text();
  expect(html).toContain('<script type="module" src="/agent/inbox.js"></script>');
  expect(html).not.toMatch(/<script>|<style|style=/);
  const js = await fetch(`${h.origin}/agent/inbox.js`);
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toMatch(/javascript/);
  await page.locator('inbox-sign-in input[name=email]').waitFor();
}
