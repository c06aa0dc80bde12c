/**
 * LOG_FORMAT=json on the real Node process (pino): every line one JSON object a collector can
 * read, a request id on each HTTP line (and in the response), the site, conversation and stage
 * times on each answer, and nothing a visitor wrote, nor their email or address, at info.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process';

let server: NodeProcess;
beforeAll(async () => {
  server = await startNodeProcess({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'info', EMBEDDING_MODEL: 'local-hash-384' } });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const lines = () =>
  server
    .output()
    .split('\n')
    .filter((l) => l.trim());

const SECRET = 'my email is jane.doe@example.com and my card number is 4111 1111 1111 1111';

describe('JSON logs (pino)', () => {
  it('an answer is one line with its site, conversation, message id and stage times; the text never appears', async () => {
    const res = await fetch(`${server.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ site: 'demo', id: 'q-logs-1', text: `How long do I have to return an item? ${SECRET}` }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[\w-]{8,}$/);
    const body = await res.json();

    await expect.poll(() => lines().some((l) => l.includes('"answered"')), { timeout: 10_000 }).toBe(true);
    const parsed = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const p of parsed) {
      expect(p).toMatchObject({ level: expect.stringMatching(/^(debug|info|warn|error)$/), msg: expect.any(String) });
      expect(Number.isNaN(Date.parse(String(p.time)))).toBe(false);
    }
    const answered = parsed.find((p) => p.msg === 'answered')!;
    expect(answered).toMatchObject({ level: 'info', site: 'demo', conversation: body.session, message: 'q-logs-1' });
    expect(Object.keys(answered.ms as object)).toEqual(expect.arrayContaining(['intent', 'retrieve', 'rerank', 'context']));

    const request = parsed.find((p) => p.msg === 'request' && p.request === requestId)!;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat', status: 200 });
    expect(typeof request.ms).toBe('number');

    const all = server.output();
    for (const leak of ['jane.doe@example.com', '4111 1111', 'return an item', '203.0.113.9']) expect(all).not.toContain(leak);
  });

  it('probes log at debug only: a load balancer asking every few seconds adds no lines at info', async () => {
    const before = lines().length;
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(lines().slice(before).filter((l) => l.includes('/readyz'))).toEqual([]);
  });
});
