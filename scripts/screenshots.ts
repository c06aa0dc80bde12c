/**
 * The package README's screenshots (sdk/screenshots/): the empty state, a cited answer with its
 * confidence, a hand-off to a person, and the panel in Arabic, taken in Chromium from the demo
 * shop on a server of their own. `npm run screenshots` after a change the pictures should show.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../tests/browser/browser';
import { startTestServer } from '../tests/helpers/server';
import { ensureBuilt, ROOT } from './build-sdk';

const OUT = join(ROOT, 'sdk', 'screenshots');

async function shoot(page: Page, name: string): Promise<void> {
  const box = await page.locator('support-chat').evaluate((el) => {
    const r = el.shadowRoot!.querySelector('[part=panel]')!.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
  const pad = 16;
  await page.screenshot({ path: join(OUT, `${name}.png`), clip: { x: box.x - pad, y: box.y - pad, width: box.width + 2 * pad, height: box.height + 2 * pad } });
  console.log(`sdk/screenshots/${name}.png`);
}

async function ask(page: Page, text: string): Promise<void> {
  const el = page.locator('support-chat');
  const before = await el.locator('article.answer[aria-busy=false]').count();
  await el.locator('textarea').fill(text);
  await el.locator('textarea').press('Enter');
  await el.locator('article.answer[aria-busy=false]').nth(before).waitFor({ timeout: 20_000 });
}

await ensureBuilt();
mkdirSync(OUT, { recursive: true });
const ADMIN = 'adm_screenshots_0123456789';
const server = await startTestServer({ EMBEDDING_MODEL: 'auto', ADMIN_TOKEN: ADMIN });
const { browser, why } = await launchBrowser();
if (!browser) throw new Error(`no browser: ${why}`);
try {
  const origin = `http://127.0.0.1:${server.port}`;
  // The demo site says how soon its people reply, as a site owner would set it.
  const set = await fetch(`${origin}/v1/admin/sites/demo`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { replyTime: 'hours' } }),
  });
  if (!set.ok) throw new Error(`could not set the demo's reply time: ${set.status} ${await set.text()}`);
  const visit = async (locale?: string) => {
    const page = await browser.newPage({ viewport: { width: 900, height: 760 }, deviceScaleFactor: 2 });
    await page.goto(origin);
    if (locale) await page.locator('support-chat').evaluate((el, l) => el.setAttribute('locale', l), locale);
    await page.locator('support-chat .launcher').click();
    await page.locator('support-chat textarea').waitFor();
    return page;
  };

  const empty = await visit();
  await empty.locator('support-chat [part=intro] li').first().waitFor();
  await shoot(empty, 'empty-state');

  const cited = await visit();
  await ask(cited, 'How long does shipping take?');
  await shoot(cited, 'cited-answer');

  const handoff = await visit();
  await handoff.locator('support-chat .head [part=handoff]').click();
  await handoff.locator('support-chat [part~=ticket]').first().waitFor();
  await handoff.waitForTimeout(300);
  await shoot(handoff, 'handoff');

  const arabic = await visit('ar');
  await ask(arabic, 'كم تستغرق مدة الشحن؟');
  await shoot(arabic, 'arabic');
} finally {
  await browser.close();
  await server.destroy();
}
