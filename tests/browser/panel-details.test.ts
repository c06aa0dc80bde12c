/**
 * What a visitor notices in the panel, in Chromium against the real server and the demo shop:
 * the empty state (the site's name, how soon people reply, questions to start with), the
 * sources header with its confidence, citations numbered 1..n that never wrap alone, snippets
 * on focus, an honest refusal without "may be incomplete", the header's "talk to a person"
 * button, bidi-isolated site strings in an Arabic panel, and the phone panel as a modal dialog.
 */
import { describe, expect } from 'vitest';
import { ask, browserSuite, chat, openChat, visit } from './harness';

const test = browserSuite();

describe('<support-chat> panel details, in Chromium', () => {
  test('the empty panel shows the site, and a suggested question asks itself', async (h) => {
    const page = await visit(h, '/');
    await openChat(page);
    const intro = chat(page).locator('[part=intro]');
    await intro.waitFor();
    expect(await intro.locator('h3').textContent()).toBe('Juniper Peak');
    const suggestions = intro.locator('li button');
    const n = await suggestions.count();
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(4);
    expect(await intro.locator('ul').getAttribute('aria-label')).toBe('Suggested questions');
    const question = (await suggestions.first().textContent())!.trim();
    await suggestions.first().click();
    await chat(page).locator('article.answer[aria-busy=false]').first().waitFor({ timeout: 15_000 });
    expect(await chat(page).locator('.msg.user').first().textContent()).toContain(question);
    // The conversation has begun: the empty state gives way to it.
    expect(await intro.count()).toBe(0);
  });

  test('a cited answer: sources with a confidence marker, numbered 1..n, kept with their words, snippets on focus', async (h) => {
    const page = await visit(h, '/', { viewport: { width: 1100, height: 800 } });
    await openChat(page);
    await ask(page, 'How long does shipping take?');
    const answer = chat(page).locator('article.answer[aria-busy=false]').first();
    const header = answer.locator('.src');
    expect(await header.textContent()).toMatch(/^Sources (High|Medium|Low) confidence$/);
    const band = await header.locator('.conf').getAttribute('data-band');
    expect(['high', 'medium', 'low']).toContain(band);
    expect(await answer.locator('ol.refs').getAttribute('aria-label')).toMatch(/^Sources, (High|Medium|Low) confidence$/);

    const numbers = await answer.locator('ol.refs [part=citation] b').allTextContents();
    expect(numbers).toEqual(numbers.map((_, k) => `[${k + 1}]`));
    const inText = await answer.locator('a.ref').allTextContents();
    expect(inText.length).toBeGreaterThan(0);
    for (const m of inText) expect(numbers).toContain(m);
    // The space before a marker does not break, so "[1]" never starts a line alone.
    const glued = await answer.locator('a.ref').evaluateAll((refs) =>
      refs.every((r) => {
        // Lit's markers are comments: the words before are the nearest text or element.
        let before = r.previousSibling;
        while (before && (before.nodeType === Node.COMMENT_NODE || before.textContent === '')) before = before.previousSibling;
        return !before || (before as Element).matches?.('a.ref') || /[^\s]$/.test(before.textContent!) || before.textContent!.endsWith('\u00a0');
      }),
    );
    expect(glued).toBe(true);
    expect(await answer.locator('a.ref').first().evaluate((r) => getComputedStyle(r).whiteSpace)).toBe('nowrap');

    // Long titles stay on one line; the snippet shows on keyboard focus and is the link's description.
    const first = answer.locator('ol.refs li').first();
    expect(await first.locator('.t').evaluate((t) => getComputedStyle(t).textOverflow)).toBe('ellipsis');
    const tip = first.locator('.snip');
    expect(await tip.isVisible()).toBe(false);
    await first.locator('[part=citation]').focus();
    expect(await tip.isVisible()).toBe(true);
    expect(await first.locator('[part=citation]').getAttribute('aria-describedby')).toBe(await tip.getAttribute('id'));
  });

  test('a refusal offers a person and does not say "may be incomplete"', async (h) => {
    const page = await visit(h, '/');
    await openChat(page);
    await ask(page, 'What is the airspeed velocity of an unladen swallow on Jupiter?');
    const answer = chat(page).locator('article.answer[aria-busy=false]').last();
    await answer.locator('.low [part=handoff]').waitFor();
    expect(await answer.textContent()).not.toMatch(/incomplete/);
    expect(await answer.locator('.src, ol.refs').count()).toBe(0);
  });

  test('the header button says and shows "talk to a person" (a headset, not an account)', async (h) => {
    const page = await visit(h, '/');
    await openChat(page);
    const button = chat(page).locator('.head [part=handoff]');
    expect(await button.getAttribute('aria-label')).toBe('Talk to a person');
    expect(await button.getAttribute('title')).toBe('Talk to a person');
    expect(await button.locator('path').getAttribute('d')).toMatch(/^M3 18v-6a9 9 0 0 1 18 0v6/);
  });

  test("in an Arabic panel, the site's own English strings keep their punctuation (bidi isolation)", async (h) => {
    const page = await visit(h, '/');
    await page.evaluate(() => {
      const el = document.querySelector('support-chat')!;
      el.setAttribute('locale', 'ar');
      el.setAttribute('greeting', 'Hello! Ask us anything.');
      el.setAttribute('title', 'Help desk');
    });
    await openChat(page);
    expect(await chat(page).locator('[part=panel]').evaluate((p) => getComputedStyle(p).direction)).toBe('rtl');
    const greeting = chat(page).locator('[part~=greeting] p');
    await greeting.waitFor();
    expect(await greeting.getAttribute('dir')).toBe('auto');
    expect(await greeting.evaluate((p) => getComputedStyle(p).direction)).toBe('ltr');
    expect(await chat(page).locator('[part=header] h2').evaluate((t) => getComputedStyle(t).direction)).toBe('ltr');
    // The panel's own words are Arabic, fetched as their own file.
    expect(await chat(page).locator('textarea').getAttribute('placeholder')).not.toMatch(/[a-z]/i);
    expect(await page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.endsWith('/sdk/support-chat-locale-ar.js')))).toBe(true);
  });

  test('on a phone the full-screen panel is a modal dialog: focus cycles inside it', async (h) => {
    const page = await visit(h, '/', { viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true });
    await openChat(page);
    const panel = chat(page).locator('[part=panel]');
    expect(await panel.getAttribute('aria-modal')).toBe('true');
    expect(await panel.getAttribute('role')).toBe('dialog');
    const inside = () => page.evaluate(() => {
      const host = document.querySelector('support-chat')!;
      const at = host.shadowRoot!.activeElement;
      return !!at && host.shadowRoot!.querySelector('[part=panel]')!.contains(at);
    });
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await inside(), `after ${i + 1} Tab`).toBe(true);
    }
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await inside(), `after ${i + 1} Shift+Tab`).toBe(true);
    }
    // Escape closes it and focus goes back to the launcher.
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.querySelector('support-chat')!.shadowRoot!.activeElement?.classList.contains('launcher'))).toBe(true);
  });

  test('on a wide screen the floating panel is not modal', async (h) => {
    const page = await visit(h, '/', { viewport: { width: 1100, height: 800 } });
    await openChat(page);
    expect(await chat(page).locator('[part=panel]').getAttribute('aria-modal')).toBeNull();
  });
});
