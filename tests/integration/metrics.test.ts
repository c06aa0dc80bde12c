/**
 * `/metrics` on the Node server (real process code in this process, embedded stores): off
 * without METRICS_TOKEN, refused without the right Bearer token, and with it Prometheus text
 * holding every metric core/metrics.ts names, moved by a real conversation over a WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../edge/core/metrics';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const TOKEN = 'metrics-token-for-tests-0123';
let on: TestServer;
let off: TestServer;

beforeAll(async () => {
  [on, off] = await Promise.all([startTestServer({ METRICS_TOKEN: TOKEN, RAG_CACHE_TTL: '300' }), startTestServer()]);
}, 120_000);

afterAll(async () => {
  await Promise.all([on?.destroy(), off?.destroy()]);
});

const scrape = async (s: TestServer, token?: string) =>
  fetch(`http://127.0.0.1:${s.port}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

/** The value of one sample line (`name{labels} value`), or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v) && Object.keys(have).length >= Object.keys(labels).length) return Number(m[3]);
  }
  return undefined;
}

describe('/metrics (Prometheus text format)', () => {
  it('is off without METRICS_TOKEN, and says how to turn it on', async () => {
    const res = await scrape(off, TOKEN);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/METRICS_TOKEN/);
  });

  it('refuses a scrape without the right Bearer token', async () => {
    expect((await scrape(on)).status).toBe(401);
    const wrong = await scrape(on, 'not-the-token-at-all-xx');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('lists every metric the core names, with its type, and the process figures', async () => {
    const res = await scrape(on, TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const [name, spec] of Object.entries(METRICS)) expect(text).toContain(`# TYPE ${name} ${spec.type}`);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
  });

  it('counts a conversation: socket, message, answer with its times and stages, cache, feedback', async () => {
    const origin = { origin: `http://127.0.0.1:${on.port}` };
    const s = await TestSocket.open(on.wsUrl(), origin);
    await s.hello();
    const during = await (await scrape(on, TOKEN)).text();
    expect(sample(during, 'support_chat_sockets_open')).toBe(1);

    const a = await s.ask('q1', 'How long does standard shipping take?');
    // The same question again on another conversation: the answer cache serves it.
    const t = await TestSocket.open(on.wsUrl(), origin);
    await t.hello();
    await t.ask('q1', 'How long does standard shipping take?');
    s.send({ type: 'feedback', answer: a.start.id, rating: 'up' });
    await new Promise((r) => setTimeout(r, 200));
    s.close();
    t.close();
    await new Promise((r) => setTimeout(r, 200));

    const text = await (await scrape(on, TOKEN)).text();
    expect(sample(text, 'support_chat_messages_total', { site: 'demo' })).toBe(2);
    expect(sample(text, 'support_chat_answers_total', { site: 'demo', intent: a.start.intent, outcome: 'answered' })).toBe(2);
    expect(sample(text, 'support_chat_answer_seconds_count', { site: 'demo' })).toBe(2);
    expect(sample(text, 'support_chat_first_token_seconds_count', { site: 'demo' })).toBe(2);
    expect(sample(text, 'support_chat_answer_seconds_sum', { site: 'demo' })).toBeGreaterThan(0);
    expect(sample(text, 'support_chat_answer_confidence_count', { site: 'demo' })).toBe(2);
    for (const stage of ['intent', 'retrieve', 'rerank']) expect(sample(text, 'support_chat_stage_seconds_count', { stage })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'support_chat_answer_cache_total', { result: 'miss' })).toBe(1);
    expect(sample(text, 'support_chat_answer_cache_total', { result: 'hit' })).toBe(1);
    expect(sample(text, 'support_chat_feedback_total', { site: 'demo', rating: 'up' })).toBe(1);
    expect(sample(text, 'support_chat_sockets_open')).toBe(0);
    // No message text, address or conversation id is ever a label.
    expect(text).not.toMatch(/shipping|127\.0\.0\.1|conversation=/);
  });
});
