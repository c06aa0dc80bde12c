import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { ask, chat, cspViolations, events, openChat, browserSuite, stored, storedSession, transcript, visit, type Harness } from './harness';
import { cutAfter, inject, releaseAndClick, spyState } from './spy';

const test = browserSuite();

async function history(h: Harness, page: Page): Promise<{ role: string; text: string }[]> {
  const kept = (await stored(page))!;
  const res = await fetch(`${h.origin}/v1/sessions/${kept.id}`, { headers: { 'x-resume-secret': kept.resume ?? '' } });
  return ((await res.json()) as { history: { role: string; text: string }[] }).history;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const status = (page: Page) => chat(page).locator('[part=status]');

describe('<support-chat> on the demo shop, in Chromium', () => {
  let shop: Page;

  test('opens from its launcher, streams a FAQ answer and links its sources', async (h) => {
    shop = await visit(h, '/');
    await chat(shop).locator('.launcher').waitFor();
    // Before the visitor opens it: no socket, nothing stored, no panel code fetched.
    expect((await spyState(shop)).sockets).toBe(0);
    expect(await shop.evaluate(() => localStorage.length)).toBe(0);
    expect(await shop.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('panel')))).toBe(false);
    expect(await chat(shop).getByRole('button', { name: 'Open chat' }).count()).toBe(1);

    // Record how the answer grows and what the live region says while it streams.
    await shop.evaluate(() => {
      const root = document.querySelector('support-chat')!.shadowRoot!;
      const w = window as unknown as { __lengths: number[]; __said: string[] };
      w.__lengths = [];
      w.__said = [];
      new MutationObserver(() => {
        const answer = root.querySelector('article.answer');
        if (answer) w.__lengths.push(answer.textContent!.length);
        const said = root.querySelector('.sr')?.textContent?.trim();
        if (said && said !== w.__said[w.__said.length - 1]) w.__said.push(said);
      }).observe(root, { subtree: true, childList: true, characterData: true });
    });

    await openChat(shop);
    expect(await shop.evaluate(() => document.querySelector('support-chat')!.shadowRoot!.activeElement?.tagName)).toBe('TEXTAREA');
    await ask(shop, 'How long does shipping take?');

    const [[, question], [, answer]] = await transcript(shop);
    expect(question).toBe('How long does shipping take?');
    expect(answer).toMatch(/business days/);
    const lengths = await shop.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths);
    expect(new Set(lengths).size, 'the answer appeared piece by piece').toBeGreaterThan(2);
    const said = await shop.evaluate(() => (window as unknown as { __said: string[] }).__said);
    expect(said, 'the live region spoke once, with the finished answer').toHaveLength(1);
    expect(said[0]).toContain('business days');

    // A numbered source that opens the shop's help page in a new tab, without access to the opener.
    const cite = chat(shop).locator('a[part~=citation]').first();
    expect(await cite.textContent()).toMatch(/^\[1\] /);
    expect(await cite.getAttribute('target')).toBe('_blank');
    expect(await cite.getAttribute('rel')).toContain('noopener');
    const href = await cite.evaluate((a) => (a as HTMLAnchorElement).href);
    expect(href).toMatch(new RegExp(`^${h.origin}/help/`));
    const [tab] = await Promise.all([shop.context().waitForEvent('page'), cite.click()]);
    await tab.waitForLoadState('domcontentloaded');
    expect(tab.url()).toBe(href);
    expect(await tab.evaluate(() => window.opener)).toBeNull();
    await tab.close();

    // Thumbs up: pressed, thanked, and sent to the server for that answer.
    const up = chat(shop).getByRole('button', { name: 'Helpful', exact: true });
    await up.click();
    expect(await up.getAttribute('aria-pressed')).toBe('true');
    await chat(shop).getByText('Thanks for your feedback.').waitFor();
    const answerId = (await spyState(shop)).received.find((f) => f.type === 'answer.end')!.id;
    expect((await spyState(shop)).sent.filter((f) => f.type === 'feedback')).toEqual([{ type: 'feedback', answer: answerId, rating: 'up' }]);

    const fired = await events(shop);
    expect(fired.map((e) => e.type)).toEqual(['open', 'message', 'answer']);
    expect(fired[2].detail.citations.length).toBeGreaterThan(0);
    expect(fired[2].detail.confidence).toBeGreaterThan(0);
    expect(await storedSession(shop)).toMatch(/^s_/);
    expect(await cspViolations(shop)).toEqual([]);
  });

  test('shows the same conversation after a reload', async () => {
    const before = await transcript(shop);
    const session = await storedSession(shop);
    await shop.reload();
    await chat(shop).locator('.launcher').waitFor();
    expect((await spyState(shop)).sockets, 'still no socket until opened').toBe(0);
    await openChat(shop);
    await chat(shop).locator('article.answer').first().waitFor();
    expect(await transcript(shop)).toEqual(before);
    const hello = (await spyState(shop)).sent.find((f) => f.type === 'hello');
    expect(hello).toMatchObject({ session });
  });

  test('resumes an answer cut mid-stream and sends what was typed offline, once each', async (h) => {
    const page = await visit(h, '/');
    await openChat(page);
    await ask(page, 'Do you ship internationally?');
    const seen = await spyState(page);

    // The connection drops right after the first piece of the next answer, and stays down
    // until the visitor presses "Retry now".
    await cutAfter(page, 'answer.delta', { hold: true });
    await chat(page).locator('textarea').fill('What is your return policy?');
    await chat(page).locator('textarea').press('Enter');
    await status(page).and(page.locator('[data-kind=reconnecting]')).waitFor();
    const cut = chat(page).locator('article.answer').nth(1);
    expect(await cut.getAttribute('aria-busy')).toBe('true');
    const partial = norm((await transcript(page))[3][1]);
    expect(partial.length).toBeGreaterThan(0);

    // Typed while the socket is down: waits, visibly.
    await chat(page).evaluate((el: any) => el.send('Can you ship to a PO box?'));
    await chat(page).getByText('Waiting to send').waitFor();
    await releaseAndClick(status(page).getByRole('button', { name: 'Retry now' }));
    await chat(page).locator('article.answer[aria-busy=false]').nth(2).waitFor({ timeout: 15_000 });
    await status(page).waitFor({ state: 'detached' });

    const shown = await transcript(page);
    expect(shown.map(([k]) => k)).toEqual(['user', 'answer', 'user', 'answer', 'user', 'answer']);
    expect(norm(shown[3][1]).startsWith(partial), 'the cut answer went on from where it stopped').toBe(true);
    const storedHistory = await history(h, page);
    expect(storedHistory.map((m) => [m.role === 'assistant' ? 'answer' : m.role, norm(m.text)])).toEqual(shown.map(([k, t]) => [k, norm(t)]));

    const spy = await spyState(page);
    expect(spy.cuts).toBe(1);
    expect(spy.sockets).toBe(2);
    const hellos = spy.sent.filter((f) => f.type === 'hello');
    expect(hellos[1]).toMatchObject({ session: hellos[1].session, after: expect.any(Number) });
    expect(hellos[1].after as number).toBeGreaterThan(Math.max(...seen.received.map((f) => (f.seq as number) ?? 0)));
    expect(spy.sent.filter((f) => f.type === 'message' && f.text === 'Can you ship to a PO box?')).toHaveLength(1);
  });

  test('two tabs of the shop show one conversation', async (h) => {
    const a = await visit(h, '/');
    await openChat(a);
    await ask(a, 'How much does shipping cost?');
    const b = await a.context().newPage();
    await b.goto(h.origin + '/');
    await openChat(b);
    await chat(b).locator('article.answer').first().waitFor();
    await ask(a, 'Do you price match?');
    // Tab B learns the question's words from the history once the answer is stored.
    await expect.poll(async () => transcript(b), { timeout: 10_000 }).toEqual(await transcript(a));
    expect((await transcript(a)).length).toBe(4);
  });

  test('shows offline, rate-limited and server-error states, and starts over on request', async (h) => {
    const page = await visit(h, '/');
    await openChat(page);
    await ask(page, 'hello');

    await page.context().setOffline(true);
    await status(page).and(page.locator('[data-kind=offline]')).waitFor();
    await page.context().setOffline(false);
    await status(page).waitFor({ state: 'detached', timeout: 10_000 });

    await inject(page, { type: 'error', code: 'unavailable', message: 'the server could not handle that just now' });
    await status(page).getByText('Something went wrong').waitFor();
    await status(page).getByRole('button', { name: 'Dismiss' }).click();
    await status(page).waitFor({ state: 'detached' });

    await inject(page, { type: 'error', code: 'rate_limited', message: 'too many messages', retryAfter: 7 });
    // Polled for up to 10 s (a busy machine), so the count may have gone down by then.
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toMatch(/Too many messages\. Sending again in [1-7] s\./);
    const fired = (await events(page)).filter((e) => e.type === 'error').map((e) => e.detail.code);
    expect(fired).toEqual(['unavailable', 'rate_limited']);

    // Asking for a person opens a ticket, shown in the conversation.
    await chat(page).locator('.head [part=handoff]').click();
    const ticket = chat(page).locator('[part~=ticket]');
    await ticket.waitFor();
    // Its number, never its raw id; nobody is signed in to the demo's inbox, so the widget says a reply may take a while.
    const card = (await ticket.textContent())!.replace(/\s+/g, ' ').trim();
    expect(card).toMatch(/^You're in the queue\. Someone from our team will reply here\./);
    expect(card).toMatch(/Ticket #10\d\d/);
    expect(card).not.toMatch(/t_[\w-]/);
    expect((await events(page)).find((e) => e.type === 'handoff')?.detail).toMatchObject({ ticket: expect.stringMatching(/^t_/), status: 'open' });

    const old = await storedSession(page);
    await chat(page).getByRole('button', { name: 'New conversation' }).click();
    await expect.poll(() => storedSession(page), { timeout: 10_000 }).not.toBe(old);
    expect(await transcript(page)).toEqual([]);
    expect((await spyState(page)).sent.filter((f) => f.type === 'hello').at(-1)).toEqual({ type: 'hello', v: 1, locale: 'en' });
  });

  test('a site the server refuses: the visitor is told politely, the owner warned once in the console, no retries', async (h) => {
    const page = await visit(h, '/');
    const warnings: string[] = [];
    page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
    await page.evaluate(() => {
      const el = document.createElement('support-chat');
      el.id = 'stranger';
      el.setAttribute('site', 'no-such-site');
      el.setAttribute('position', 'bottom-left');
      document.body.append(el);
      el.open();
    });
    const refused = chat(page, '#stranger').locator('[part=status][data-kind=refused]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('Sorry, chat is unavailable right now.');
    // A message typed anyway is not left "Waiting to send": nothing will send it.
    await chat(page, '#stranger').locator('textarea').fill('Hello?');
    await chat(page, '#stranger').locator('textarea').press('Enter');
    expect(await chat(page, '#stranger').locator('.msg.user small').textContent()).toBe('Not sent');
    await page.waitForTimeout(3500); // longer than the longest first retry delay
    expect((await spyState(page)).sockets).toBe(1);
    const ours = warnings.filter((w) => w.startsWith('<support-chat>'));
    expect(ours).toEqual([
      `<support-chat>: the server at ${h.origin} refused this page: it has no site "no-such-site". Check the element's site attribute, or create the site: npm run site -- create no-such-site --origin ${h.origin}`,
    ]);
  });
});
