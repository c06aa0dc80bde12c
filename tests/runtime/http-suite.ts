/**
 * The socket's HTTP twins (POST /v1/chat as JSON and as server-sent events, a conversation's
 * history), health, the served pages and their headers, and CORS, asserted the same way against
 * every runtime; conversationSuite runs it beside the socket's tests.
 */
import { describe, expect, it } from 'vitest';
import { httpCalls, type ChatJson, type ConversationTarget } from './target';

export function httpTwinsSuite(runtime: string, target: () => ConversationTarget): void {
  const { url, sessionGet, post } = httpCalls(target);

  describe(`HTTP twins of the socket (${runtime})`, () => {
    it('answers health and readiness', async () => {
      expect((await fetch(`${url()}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url()}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({ db: 'ok', vectors: 'ok', sessions: 'ok' });
    });

    it('POST /v1/chat returns the answer as JSON, and the same id is answered once', async () => {
      const res = await post({ site: 'demo', id: 'j1', text: 'How long do I have to return an item?' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as ChatJson;
      expect(body.session).toMatch(/^s_/);
      expect(body.answer.replyTo).toBe('j1');
      expect(body.answer.citations.length).toBeGreaterThan(0);
      expect(body.answer.text).toMatch(/\[\d\]/);
      expect(body.resume).toMatch(/^[\w-]{40,}$/);
      const again = (await (await post({ site: 'demo', session: body.session, resume: body.resume, id: 'j1', text: 'How long do I have to return an item?' })).json()) as ChatJson;
      expect(again.session).toBe(body.session);
      expect(again.answer.id).toBe(body.answer.id);
      const history = (await (await sessionGet(body.session, body.resume)).json()) as { history: unknown[] };
      expect(history.history).toHaveLength(2);
    });

    it('POST /v1/chat streams server-sent events with Accept: text/event-stream', async () => {
      const res = await post({ site: 'demo', id: 's1', text: 'Do you ship internationally?' }, { accept: 'text/event-stream' });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const raw = await res.text();
      const events = [...raw.matchAll(/event: (\S+)\ndata: (.*)\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]) }));
      const names = events.map((e) => e.event);
      expect(names[0]).toBe('answer.start');
      expect(names.at(-1)).toBe('answer.end');
      expect(names.filter((n) => n === 'answer.delta').length).toBeGreaterThan(1);
      expect(events.at(-1)!.data.citations.length).toBeGreaterThan(0);
      const text = events.filter((e) => e.event === 'answer.delta').map((e) => e.data.text).join('');
      const stored = (await (await sessionGet(events[0].data.session, events[0].data.resume)).json()) as { history: { role: string; text: string }[] };
      expect(stored.history.find((h) => h.role === 'assistant')?.text).toBe(text);
    });

    it('refuses bad requests with a clear error', async () => {
      expect((await post({ site: 'demo', id: 'e1' })).status).toBe(400);
      expect((await post({ site: 'demo', id: 'e2', text: '   ' })).status).toBe(400);
      expect((await post({ site: 'demo', id: 'e3', text: 'x'.repeat(10_000) })).status).toBe(413);
      const huge = await post({ site: 'demo', id: 'e3b', text: 'x'.repeat(17_000) });
      expect(huge.status).toBe(413);
      expect(((await huge.json()) as { error: { message: string } }).error.message).toMatch(/request body/);
      expect((await post({ site: 'nope', id: 'e4', text: 'hi' })).status).toBe(404);
      expect((await post({ site: 'demo', id: 'e5', text: 'hi' }, { origin: 'https://evil.example' })).status).toBe(403);
      const notJson = await fetch(`${url()}/v1/chat`, { method: 'POST', body: '{oops' });
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_message');
      expect((await fetch(`${url()}/v1/sessions/s_missing`)).status).toBe(404);
    });

    it('serves the demo site', async () => {
      const res = await fetch(`${url()}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<html/i);
    });

    it('serves no data, source maps or type declarations: only the pages and the built scripts', async () => {
      // The demo's orders (emails, tracking numbers) and its knowledge base are data, not pages.
      for (const path of ['/data/orders.json', '/data/faq.csv', '/demo/data/orders.json', '/sdk/support-chat.js.map', '/sdk/support-chat.d.ts', '/_headers']) {
        const res = await fetch(`${url()}${path}`);
        expect(res.status, path).toBe(404);
        expect(await res.text(), path).not.toMatch(/@example|"email"|sourceMappingURL|declare /);
      }
      expect((await fetch(`${url()}/sdk/support-chat.iife.js`)).status).toBe(200);
    });

    it('sends security headers on pages, scripts and the API', async () => {
      const page = await fetch(`${url()}/`);
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      const script = await fetch(`${url()}/sdk/support-chat.iife.js`);
      expect(script.headers.get('x-content-type-options')).toBe('nosniff');
      expect(script.headers.get('access-control-allow-origin')).toBe('*');
      expect(script.headers.get('cache-control')).toMatch(/public/);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      const api = await fetch(`${url()}/v1/health`);
      expect(api.headers.get('content-security-policy')).toMatch(/default-src 'none'; frame-ancestors 'none'/);
      expect(api.headers.get('cache-control')).toBe('no-store');
      expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('answers CORS only for origins a site allows', async () => {
      const own = `http://127.0.0.1:${target().port}`;
      const evil = await post({ site: 'demo', id: 'cors-evil', text: 'hi' }, { origin: 'https://evil.example' });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      const pre = await fetch(`${url()}/v1/chat`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const allowed = await fetch(`${url()}/v1/health`, { headers: { origin: own } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe(own);
      expect(allowed.headers.get('vary')).toMatch(/origin/i);
    });
  });
}
