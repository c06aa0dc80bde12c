import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { ROOT } from './build';
import { ask, chat, cspViolations, openChat, browserSuite, visit, type Harness } from './harness';
import { spyState } from './spy';

const ARTIFACTS = join(ROOT, 'tests/artifacts');
const test = browserSuite(() => void mkdirSync(ARTIFACTS, { recursive: true }));

const css = (l: Locator, prop: string) => l.evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), prop);
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

async function axe(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('<support-chat>: how it looks, in Chromium', () => {
  test('every attribute changes what the visitor sees, at once', async (h) => {
    const page = await visit(h, '/theming.html');
    const inline = chat(page, '#inline');
    const panel = inline.locator('[part=panel]');
    await inline.locator('textarea').waitFor();
    // Inline: the panel is in the page, with no launcher and no socket until the visitor turns to it.
    expect(await inline.locator('.launcher').isVisible()).toBe(false);
    expect((await spyState(page)).sockets).toBe(0);
    expect(await css(inline, 'position')).toBe('relative');
    await inline.locator('textarea').focus();
    await expect.poll(async () => (await spyState(page)).sockets, { timeout: 10_000 }).toBe(1);

    const set = (name: string, value: string | null) =>
      inline.evaluate((el, [n, v]) => (v === null ? el.removeAttribute(n!) : el.setAttribute(n!, v)), [name, value]);
    expect(await css(inline.locator('[part=send]'), 'background-color')).toBe('rgb(107, 63, 160)');
    await set('accent', 'rgb(200, 30, 40)');
    expect(await css(inline.locator('[part=send]'), 'background-color')).toBe('rgb(200, 30, 40)');
    await set('accent', 'red; } :host { display: none'); // not a colour: ignored, not injected
    expect(await css(inline.locator('[part=send]'), 'background-color')).toBe('rgb(36, 81, 199)');
    expect(await inline.isVisible()).toBe(true);
    await set('radius', '2px');
    expect(await css(panel, 'border-top-left-radius')).toBe('2px');
    await set('font', 'Georgia, serif');
    expect(await css(panel, 'font-family')).toContain('Georgia');
    expect(await css(panel, 'background-color')).toBe('rgb(255, 255, 255)');
    await set('theme', 'dark');
    expect(await css(panel, 'background-color')).toBe('rgb(22, 24, 29)');
    await set('theme', 'auto');
    expect(await css(panel, 'background-color')).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await css(panel, 'background-color')).toBe('rgb(22, 24, 29)');
    await set('title', 'Trail desk');
    expect(await inline.locator('[part=header] h2').textContent()).toBe('Trail desk');
    await set('greeting', 'Howdy, hiker.');
    expect(await inline.locator('[part~=greeting]').textContent()).toBe('Howdy, hiker.');
    await set('placeholder', 'Ask away');
    expect(await inline.locator('textarea').getAttribute('placeholder')).toBe('Ask away');
    // Another language's words are a file of their own: they come with its first use.
    await set('locale', 'de');
    await expect.poll(() => inline.locator('[part=send]').getAttribute('aria-label')).toBe('Senden');
    await inline.evaluate((el: any) => (el.strings = { send: 'Los' }));
    expect(await inline.locator('[part=send]').getAttribute('aria-label')).toBe('Los');
    await inline.evaluate((el: any) => (el.strings = {}));
    await set('locale', 'ar');
    expect(await css(panel, 'direction')).toBe('rtl');
    await expect.poll(() => inline.locator('[part=send]').getAttribute('aria-label')).toBe('إرسال');
    await set('mode', null);
    expect(await inline.locator('.launcher').isVisible()).toBe(true);
    expect(await panel.isVisible()).toBe(false);
    await set('open', '');
    expect(await panel.isVisible()).toBe(true);
    expect(await css(inline, 'position')).toBe('fixed');

    // The launcher at the bottom left: its attributes and the page's custom properties.
    const dark = chat(page, '.dark-demo');
    const box = (await dark.locator('.launcher').boundingBox())!;
    expect(box.x).toBe(20);
    expect(await css(dark.locator('.launcher'), 'background-color')).toBe('rgb(232, 163, 61)'); // --support-chat-accent from shop.css
    await dark.evaluate((el) => el.style.setProperty('--support-chat-z-index', '42'));
    expect(await css(dark, 'z-index')).toBe('42');
    await dark.evaluate((el) => el.setAttribute('position', 'bottom-right'));
    expect((await dark.locator('.launcher').boundingBox())!.x).toBeGreaterThan(600);
    expect(await cspViolations(page)).toEqual([]);
  });

  test("the page's styles do not reach inside, and the widget's do not reach out", async (h) => {
    const page = await visit(h, '/');
    await openChat(page);
    await ask(page, 'Do you have a physical store?');
    const before = await css(page.locator('main p').first(), 'font-family');
    // What a theme or a CSS reset might do to a whole page (set through the CSSOM: the page's CSP allows no inline style).
    await page.evaluate(() => {
      for (const [k, v] of Object.entries({ 'letter-spacing': '6px', 'text-transform': 'uppercase', 'line-height': '4', 'font-style': 'italic', 'word-spacing': '9px', visibility: 'visible' })) {
        document.body.style.setProperty(k, v);
      }
    });
    const bubble = chat(page).locator('article.answer p').first();
    expect(await css(bubble, 'letter-spacing')).toBe('normal');
    expect(await css(bubble, 'text-transform')).toBe('none');
    expect(await css(bubble, 'font-style')).toBe('normal');
    expect(await css(chat(page).locator('[part=send]'), 'text-transform')).toBe('none');
    expect(await css(page.locator('main p').first(), 'font-family')).toBe(before);
  });

  test('light, dark and right-to-left, with no accessibility violations', async (h) => {
    const page = await visit(h, '/', { viewport: { width: 1100, height: 760 } });
    await openChat(page);
    await ask(page, 'How long does shipping take?');
    await ask(page, 'What is the airspeed velocity of an unladen swallow on Jupiter?');
    // The honest "not in our docs" answer offers a person.
    await chat(page).locator('.low [part=handoff]').waitFor();
    expect(await axe(page)).toEqual([]);
    await shot(page, 'widget-light');

    await chat(page).evaluate((el) => el.setAttribute('theme', 'dark'));
    expect(await axe(page)).toEqual([]);
    await shot(page, 'widget-dark');

    await chat(page).evaluate((el) => {
      el.setAttribute('theme', 'light');
      el.setAttribute('locale', 'ar');
      el.removeAttribute('title');
    });
    await expect.poll(() => chat(page).locator('[part=header] h2').textContent()).toBe('الدعم');
    expect(await css(chat(page).locator('[part=panel]'), 'direction')).toBe('rtl');
    // The visitor's bubble sits at the start side: the right in English, the left in Arabic.
    const user = (await chat(page).locator('.user').first().boundingBox())!;
    const answer = (await chat(page).locator('article.answer').first().boundingBox())!;
    expect(user.x).toBeLessThan(answer.x);
    expect(await axe(page)).toEqual([]);
    await shot(page, 'widget-rtl-ar');
  });

  test('on a phone: full screen, 16px input, no launcher over it', async (h) => {
    const page = await visit(h, '/', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await openChat(page);
    await ask(page, 'Can I return a used tent?');
    // The panel covers what the visual viewport shows (it shrinks when the keyboard opens).
    await chat(page).locator('[part=panel]').evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    const panel = (await chat(page).locator('[part=panel]').boundingBox())!;
    const vv = await page.evaluate(() => ({ top: visualViewport!.offsetTop, height: visualViewport!.height }));
    expect(vv.height).toBeGreaterThan(800);
    expect(panel.x).toBe(0);
    expect(panel.width).toBe(390);
    expect(panel.y).toBeCloseTo(vv.top, 0);
    expect(panel.height).toBeCloseTo(vv.height, 0);
    expect(parseFloat(await css(chat(page).locator('textarea'), 'font-size'))).toBeGreaterThanOrEqual(16);
    expect(await chat(page).locator('.launcher').isVisible()).toBe(false);
    await shot(page, 'widget-mobile');
    await chat(page).getByRole('button', { name: 'Close chat' }).click();
    expect(await chat(page).locator('.launcher').isVisible()).toBe(true);
  });

  test('works by keyboard alone: focus moves in, Esc closes and returns focus', async (h) => {
    const page = await visit(h, '/');
    await chat(page).locator('.launcher').focus();
    await page.keyboard.press('Enter');
    await chat(page).locator('textarea').waitFor();
    const active = () => page.evaluate(() => document.querySelector('support-chat')!.shadowRoot!.activeElement?.getAttribute('part'));
    await expect.poll(active, { timeout: 10_000 }).toBe('input');
    await page.keyboard.type('Do you sell gift cards?');
    await page.keyboard.press('Shift+Enter');
    expect(await chat(page).locator('textarea').inputValue()).toBe('Do you sell gift cards?\n');
    await page.keyboard.press('Enter');
    await chat(page).locator('article.answer[aria-busy=false]').waitFor();
    await page.keyboard.press('Shift+Tab');
    expect(await active()).toBe('feedback');
    await page.keyboard.press('Escape');
    expect(await chat(page).locator('[part=panel]').isVisible()).toBe(false);
    expect(await active()).toBe('launcher');
    expect(await chat(page).locator('.launcher').getAttribute('aria-expanded')).toBe('false');
  });

  test('prefers-reduced-motion turns animation off', async (h) => {
    const page = await visit(h, '/');
    await openChat(page);
    expect(await css(chat(page).locator('[part=panel]'), 'animation-name')).toBe('sc-in');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await css(chat(page).locator('[part=panel]'), 'animation-name')).toBe('none');
    expect(await css(chat(page).locator('.launcher'), 'transition-duration')).toBe('0s');
  });
});
