/**
 * End to end over the real Node server with INTENT_MODEL set, against a local server speaking
 * the Hugging Face Inference API wire protocol (and TEI's): a visitor's message gets its
 * intent from the model (answer.start says it), and when the model is too slow the embedded
 * classifier's intent comes instead, with the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInIntents } from '../../edge/pipeline/intent/built-in';
import { startHuggingFaceFake, type HuggingFaceFake } from '../fakes/huggingface-server';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const TOKEN = 'hf_e2e_token';
const LABELS = ['LABEL_0', 'LABEL_1', 'LABEL_2', 'LABEL_3'];
const QUESTION = 'How long does shipping take?';
let hf: HuggingFaceFake;
let serverless: TestServer;
let tei: TestServer;

beforeAll(async () => {
  hf = await startHuggingFaceFake({
    token: TOKEN,
    models: { 'acme/support-intents': { task: 'text-classification', labels: LABELS } },
    tei: { labels: ['greeting', 'product_question', 'policy_question', 'other'] },
  });
  const labels = { INTENT_LABELS: 'LABEL_0=greeting,LABEL_1=product_question,LABEL_2=policy_question,LABEL_3=other', RAG_CACHE_TTL: '0' };
  [serverless, tei] = await Promise.all([
    // The library's requests to huggingface.co and router.huggingface.co arrive at the local server.
    startTestServer({ HF_TOKEN: TOKEN, INTENT_MODEL: 'acme/support-intents', ...labels }, undefined, {
      // Roomy enough for a loaded machine's first call (it also looks the model up on the Hub).
      providers: { fetch: hf.fetch, policies: { intents: { timeoutMs: 4_000, retries: 0 } } },
    }),
    startTestServer({ HF_ENDPOINT_URL: `${hf.url}/predict`, INTENT_MODEL: 'acme/support-intents', RAG_CACHE_TTL: '0' }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([serverless?.destroy(), tei?.destroy()]);
  await hf?.close();
});

async function ask(server: TestServer, id: string, text: string) {
  const s = await TestSocket.open(server.wsUrl(), { origin: `http://127.0.0.1:${server.port}` });
  await s.hello();
  const answer = await s.ask(id, text);
  s.close();
  return answer;
}

describe('intents from a local server speaking the Hugging Face Inference API wire protocol, through the Node server', () => {
  it("a chat message's intent comes from the model on the Inference API (its labels mapped), and the answer follows", async () => {
    // The embedded classifier calls this a policy question; the model says product question.
    expect(builtInIntents().classify(QUESTION).intent).toBe('policy_question');
    hf.reset();
    hf.queue({ scores: { LABEL_1: 0.91, LABEL_2: 0.06, LABEL_0: 0.02, LABEL_3: 0.01 } });
    const a = await ask(serverless, 'h1', QUESTION);
    expect(a.start.intent).toBe('product_question');
    expect(a.text.length).toBeGreaterThan(0);
    expect(hf.sent).toContain('https://router.huggingface.co/hf-inference/models/acme/support-intents');
    const [post] = hf.inferences();
    expect(post.path).toBe('/hf-inference/models/acme/support-intents');
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.body).toEqual({ inputs: QUESTION });
  });

  it('when the model is too slow, the embedded classifier gives the intent and the visitor still gets the answer', async () => {
    hf.reset();
    hf.queue({ delayMs: 30_000, scores: { LABEL_1: 0.99 } });
    const started = Date.now();
    const a = await ask(serverless, 'h2', QUESTION);
    expect(a.start.intent).toBe('policy_question');
    expect(a.end.citations.length).toBeGreaterThan(0);
    // After the intent budget, long before the model's reply would have come.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(hf.inferences()).toHaveLength(1);
  });

  it('HF_ENDPOINT_URL: the intent comes from a TEI server\'s /predict', async () => {
    hf.reset();
    hf.queue({ scores: { greeting: 0.05, product_question: 0.88, policy_question: 0.05, other: 0.02 } });
    const a = await ask(tei, 't1', QUESTION);
    expect(a.start.intent).toBe('product_question');
    expect(hf.inferences()).toMatchObject([{ path: '/predict', body: { inputs: QUESTION } }]);
    expect(hf.inferences()[0].headers.authorization).toBeUndefined();
  });
});
