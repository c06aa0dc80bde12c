import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.destroy());

describe('the demo shop (Node server)', () => {
  it('serves the shop page with the one-line widget embed', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toMatch(/<script src="\/sdk\/support-chat\.iife\.js" data-site="demo"/);
    expect((await fetch(`${server.url}/sdk/support-chat.iife.js`)).status).toBe(200);
  });

  it('opens every link an answer cites', async () => {
    const res = await fetch(`${server.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', id: 'd1', text: 'How long do I have to return an item?' }),
    });
    const { answer } = (await res.json()) as { answer: { citations: { url?: string; title: string }[] } };
    const urls = answer.citations.flatMap((c) => (c.url ? [c.url] : []));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      const page = await fetch(new URL(url, server.url));
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/60 days/);
    }
  });

  it('renders product pages from the catalogue and 404s what does not exist', async () => {
    const page = await fetch(`${server.url}/products/switchback-2-tent`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<h1>Switchback 2 Tent<\/h1>/);
    expect((await fetch(`${server.url}/help/no-such-page`)).status).toBe(404);
  });
});
