/**
 * Traces from the Worker and its Durable Objects inside workerd (wrangler dev, no login), by
 * OTLP/HTTP to a local collector speaking OTLP's JSON encoding, with the LLM behind a local
 * server speaking OpenAI's protocol. An isolate has no shutdown, so each event flushes its own
 * spans: they must arrive without stopping anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-server';
import { startOtlpFake, type OtlpFake, type ReceivedSpan } from '../fakes/otlp-server';
import { TestSocket } from '../helpers/ws-client';

let worker: LocalWorker;
let otlp: OtlpFake;
let openai: OpenAiFake;

beforeAll(async () => {
  [otlp, openai] = await Promise.all([startOtlpFake(), startOpenAiFake({ apiKey: 'sk-otel' })]);
  worker = await startLocalWorker({
    vars: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: 'support-chat-worker', OPENAI_API_KEY: 'sk-otel', OPENAI_BASE_URL: openai.url, RAG_CACHE_TTL: '0' },
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await Promise.all([otlp?.close(), openai?.close()]);
});

async function spanOf(find: (sp: ReceivedSpan) => boolean, what: string): Promise<ReceivedSpan> {
  const end = Date.now() + 15_000;
  for (;;) {
    const found = otlp.spans.find(find);
    if (found) return found;
    if (Date.now() > end) throw new Error(`no ${what} span arrived; got: ${otlp.spans.map((s) => s.name).join(', ') || 'none'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('traces inside workerd (OTLP/HTTP to a local collector)', () => {
  it("a socket message's answer is one trace from the conversation's object: its stages and the LLM call under it, sent without a shutdown", async () => {
    const s = await TestSocket.open(`${worker.url.replace(/^http/, 'ws')}/v1/ws?site=demo`);
    await s.hello();
    const a = await s.ask('wt1', 'How long does standard shipping take?');
    expect(a.text.length).toBeGreaterThan(10);
    s.close();

    const answer = await spanOf((sp) => sp.name === 'answer' && !sp.parentSpanId, 'answer');
    expect(answer.service).toBe('support-chat-worker');
    expect(answer.attributes).toMatchObject({ 'support_chat.site': 'demo', 'support_chat.intent': a.start.intent });
    const under = (name: string) => spanOf((sp) => sp.name === name && sp.traceId === answer.traceId && sp.parentSpanId === answer.spanId, name);
    for (const stage of ['pipeline.intent', 'pipeline.retrieve', 'pipeline.rerank']) await under(stage);
    expect((await under('openai llm')).attributes).toMatchObject({ 'support_chat.provider': 'openai', 'support_chat.stage': 'llm' });
    expect(otlp.contentTypes.every((t) => t.startsWith('application/json'))).toBe(true);
  });

  it('a request gets a server span named by its route (@hono/otel), and POST /v1/chat has its answer under it', async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    await spanOf((sp) => sp.name === 'GET /healthz', 'GET /healthz');

    const asked = await fetch(`${worker.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: worker.url },
      body: JSON.stringify({ site: 'demo', id: 'wh1', text: 'Do you ship to Canada?' }),
    });
    expect(asked.status).toBe(200);
    const request = await spanOf((sp) => sp.name === 'POST /v1/chat' && sp.attributes['http.response.status_code'] === 200, 'POST /v1/chat');
    await spanOf((sp) => sp.name === 'answer' && sp.traceId === request.traceId && sp.parentSpanId === request.spanId, 'answer under POST /v1/chat');
    // No message text in any span.
    expect(JSON.stringify(otlp.spans)).not.toMatch(/shipping take|ship to canada/i);
  });
});
