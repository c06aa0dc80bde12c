/**
 * The widget on a site made with `npm run site` that requires its public key and erases what
 * its widget resets, in Chromium: with another key the panel says the chat is not available
 * here; with its own key it answers, and "New conversation" erases the old one on the server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { runCli } from '../servers/cli';
import { ask, browserSuite, chat, events, openChat, stored, visit } from './harness';

let keys: { pk: string; sk: string };
const test = browserSuite(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'widget-keys-'));
  const made = await runCli('node', ['--import', 'tsx', 'edge/runtime/node/site-cli.ts', 'create', 'keyed', '--origin', '*', '--set', 'eraseOnReset=true'], 60_000, { DATA_DIR: join(dir, 'db') });
  if (made.code !== 0) throw new Error(made.stderr);
  keys = { pk: /public key: (pk_\S+)/.exec(made.stdout)![1], sk: /secret key: (sk_\S+)/.exec(made.stdout)![1] };
  return dir;
});

/** Points the page's widget at the keyed site, before it connects. */
const useSite = (page: Page, key: string) =>
  page.evaluate((k) => {
    const el = document.querySelector('support-chat')!;
    el.setAttribute('key', k);
    el.setAttribute('site', 'keyed');
  }, key);

describe('<support-chat> with a site key, in Chromium', () => {
  test('another site\'s key: the panel says the chat is not available, and does not retry', async (h) => {
    const page = await visit(h, '/');
    await useSite(page, 'pk_not_this_sites');
    await openChat(page);
    await chat(page).getByText('Sorry, chat is unavailable right now.').waitFor();
    expect((await events(page)).filter((e) => e.type === 'error').map((e) => e.detail.code)).toContain('unauthorized');
  });

  test('its own key: answers; "New conversation" erases the old conversation on the server', async (h) => {
    const page = await visit(h, '/');
    await useSite(page, keys.pk);
    await openChat(page);
    await ask(page, 'Hello, is anyone there?');
    const old = (await stored(page))!;
    expect(old.resume).toBeTruthy();
    const read = () => fetch(`${h.origin}/v1/sessions/${old.id}`, { headers: { authorization: `Bearer ${keys.sk}`, 'x-resume-secret': old.resume! } });
    expect((await read()).status).toBe(200);

    await chat(page).getByRole('button', { name: 'New conversation' }).click();
    await expect.poll(async () => (await read()).status, { timeout: 10_000 }).toBe(404);
    await ask(page, 'Hello again');
    expect((await stored(page))!.id).not.toBe(old.id);
  });
});
