import { describe, expect } from 'vitest';
import { ask, browserSuite, chat, openChat, visit } from './harness';

const test = browserSuite();

describe('the one-line embed as people paste it (real Chromium)', () => {
  test('loads the script-tag build from /sdk/support-chat.js and answers (demo/pasted.html)', async (h) => {
    const errors: string[] = [];
    const page = await visit(h, '/pasted.html');
    page.on('pageerror', (e) => errors.push(e.message));
    expect(await page.locator('script[src="/sdk/support-chat.js"]:not([type])').count()).toBe(1);
    await chat(page).locator('.launcher').waitFor();
    await openChat(page);
    await ask(page, 'How long does shipping take?');
    expect(await chat(page).locator('[part~="answer"]').last().innerText()).toMatch(/business days/);
    expect(errors).toEqual([]);
  });

  test('still serves the ES module to module scripts and bundlers', async (h) => {
    const res = await fetch(`${h.origin}/sdk/support-chat.js`, { headers: { 'sec-fetch-dest': 'script', 'sec-fetch-mode': 'cors' } });
    expect(await res.text()).toMatch(/export\s*\{/);
    expect(res.headers.get('vary')).toMatch(/Sec-Fetch-Mode/i);
  });
});
