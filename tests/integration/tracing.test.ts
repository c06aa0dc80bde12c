/**
 * Traces by OTLP/HTTP from the real server process to a local collector speaking OTLP's JSON
 * encoding, with the LLM behind a local server speaking OpenAI's protocol: one trace per
 * answer, its stages under it and the provider call under the answer; an HTTP request's
 * server span (@hono/otel), with the answer it asked for under it. Without the endpoint the
 * spans record nothing.
 */
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-server';
import { startOtlpFake, type OtlpFake } from '../fakes/otlp-server';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process';
import { TestSocket } from '../helpers/ws-client';

let otlp: OtlpFake;
let openai: OpenAiFake;
let server: NodeProcess;

beforeAll(async () => {
  [otlp, openai] = await Promise.all([startOtlpFake(), startOpenAiFake({ apiKey: 'sk-otel' })]);
  server = await startNodeProcess({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: 'support-chat-test', OPENAI_API_KEY: 'sk-otel', OPENAI_BASE_URL: openai.url },
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all([otlp?.close(), openai?.close()]);
});

describe('traces (OTLP/HTTP to a local collector)', () => {
  it('sends one trace per answer: its stages and the LLM call under it, flushed when the server stops', async () => {
    const s = await TestSocket.open(server.wsUrl(), { origin: server.url });
    await s.hello();
    const a = await s.ask('t1', 'How long does standard shipping take?');
    expect(a.text.length).toBeGreaterThan(10);
    s.close();
    const asked = await fetch(`${server.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ site: 'demo', id: 'h1', text: 'Do you ship to Canada?' }),
    });
    expect(asked.status).toBe(200);
    expect(await server.stop()).toMatchObject({ code: 0 });

    // The HTTP request: a server span named by its route, the answer under it.
    const request = otlp.spans.find((sp) => sp.name === 'POST /v1/chat');
    expect(request?.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/v1/chat', 'http.response.status_code': 200 });
    expect(otlp.spans.some((sp) => sp.name === 'answer' && sp.traceId === request!.traceId && sp.parentSpanId === request!.spanId)).toBe(true);

    expect(otlp.contentTypes.every((t) => t.startsWith('application/json'))).toBe(true);
    // The socket's answer: a trace of its own (a socket message is no HTTP request).
    const answers = otlp.spans.filter((sp) => sp.name === 'answer' && !sp.parentSpanId);
    expect(answers).toHaveLength(1);
    const [answer] = answers;
    expect(answer.service).toBe('support-chat-test');
    expect(answer.attributes).toMatchObject({ 'support_chat.site': 'demo', 'support_chat.intent': a.start.intent });
    const under = (name: string) => otlp.spans.find((sp) => sp.name === name && sp.traceId === answer.traceId && sp.parentSpanId === answer.spanId);
    for (const stage of ['pipeline.intent', 'pipeline.retrieve', 'pipeline.rerank']) expect(under(stage), stage).toBeDefined();
    expect(under('openai llm')?.attributes).toMatchObject({ 'support_chat.provider': 'openai', 'support_chat.stage': 'llm' });
    // No message text in any span.
    expect(JSON.stringify(otlp.spans)).not.toMatch(/shipping take|ship to canada/i);
  });

  it('records nothing where no tracer provider is registered (this test process)', () => {
    const span = trace.getTracer('support-chat').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    span.end();
  });
});
