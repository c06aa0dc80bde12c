import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker';
import { startCohereFake, type CohereFake } from '../fakes/cohere-server';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-server';
import { TestSocket } from '../helpers/ws-client';

let worker: LocalWorker;
let openai: OpenAiFake;
let cohere: CohereFake;
beforeAll(async () => {
  [openai, cohere] = await Promise.all([startOpenAiFake({ apiKey: 'sk-test' }), startCohereFake({ token: 'co-test' })]);
  worker = await startLocalWorker({
    vars: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url, COHERE_API_KEY: 'co-test', COHERE_BASE_URL: cohere.url, RAG_CACHE_TTL: '0' },
  });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await Promise.all([openai?.close(), cohere?.close()]);
});

describe('cloud providers inside workerd (the Worker against local OpenAI- and Cohere-protocol servers)', () => {
  it('answers with the OpenAI-protocol model, reranked by the Cohere-protocol server, cited', async () => {
    openai.queueChat({ type: 'text', text: 'Standard shipping takes 3–5 business days [1].' });
    const s = await TestSocket.open(`${worker.url.replace(/^http/, 'ws')}/v1/ws?site=demo`);
    await s.hello();
    const { text, end } = await s.ask('w1', 'How long does shipping take?');
    s.close();
    expect(text).toBe('Standard shipping takes 3–5 business days [1].');
    expect(end.citations).toHaveLength(1);
    const chat = openai.chats().at(-1)!;
    expect(chat.stream).toBe(true);
    expect(JSON.stringify(chat.messages)).toMatch(/How long does shipping take\?/);
    expect(cohere.requests.length).toBeGreaterThan(0);
  });

  it('serves the one-line embed as the script-tag build, and the ES module by its own name', async () => {
    const classic = await (await fetch(`${worker.url}/sdk/support-chat.js`)).text();
    expect(classic).not.toMatch(/export\s*\{/);
    expect(classic).toMatch(/customElements/);
    expect(await (await fetch(`${worker.url}/sdk/support-chat.esm.js`)).text()).toMatch(/export\s*\{/);
  });
});
