import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker';
import { startCohereFake, type CohereFake } from '../fakes/cohere-server';
import { startHuggingFaceFake, type HuggingFaceFake } from '../fakes/huggingface-server';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-server';
import { TestSocket } from '../helpers/ws-client';

let worker: LocalWorker;
let openai: OpenAiFake;
let cohere: CohereFake;
let hf: HuggingFaceFake;
const INTENT_LABELS = ['greeting', 'product_question', 'policy_question', 'other'];
beforeAll(async () => {
  [openai, cohere, hf] = await Promise.all([
    startOpenAiFake({ apiKey: 'sk-test' }),
    startCohereFake({ token: 'co-test' }),
    startHuggingFaceFake({ tei: { labels: INTENT_LABELS, apiKey: 'hf-tei-key' } }),
  ]);
  worker = await startLocalWorker({
    vars: {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.url,
      COHERE_API_KEY: 'co-test',
      COHERE_BASE_URL: cohere.url,
      RAG_CACHE_TTL: '0',
      // Intents from a TEI server speaking the Hugging Face wire protocol, through @huggingface/inference in workerd.
      INTENT_MODEL: 'acme/support-intents',
      HF_ENDPOINT_URL: `${hf.url}/predict`,
      HF_TOKEN: 'hf-tei-key',
    },
  });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await Promise.all([openai?.close(), cohere?.close(), hf?.close()]);
});

describe('cloud providers inside workerd (the Worker against local OpenAI-, Cohere- and Hugging Face-protocol servers)', () => {
  it('answers with the OpenAI-protocol model, reranked by the Cohere-protocol server, cited; the intent from the Hugging Face-protocol server', async () => {
    hf.reset();
    hf.queue({ scores: { product_question: 0.9, policy_question: 0.05, greeting: 0.03, other: 0.02 } });
    openai.queueChat({ type: 'text', text: 'Standard shipping takes 3–5 business days [1].' });
    const s = await TestSocket.open(`${worker.url.replace(/^http/, 'ws')}/v1/ws?site=demo`);
    await s.hello();
    const { start, text, end } = await s.ask('w1', 'How long does shipping take?');
    s.close();
    // The embedded classifier would say policy_question.
    expect(start.intent).toBe('product_question');
    expect(hf.inferences()).toMatchObject([{ path: '/predict', body: { inputs: 'How long does shipping take?' }, headers: { authorization: 'Bearer hf-tei-key' } }]);
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
