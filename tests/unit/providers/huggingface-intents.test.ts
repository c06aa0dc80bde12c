/**
 * Intents from Hugging Face through @huggingface/inference, against a local server speaking the
 * Hugging Face Inference API wire protocol (the Hub's model look-up, the router's
 * hf-inference route, TEI's /predict and an Inference Endpoint's root), with the embedded
 * classifier as the fallback under the same resilience policy as the other providers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INTENTS } from '@support-chat/protocol';
import { loadConfig } from '../../../edge/config/load';
import type { IntentContext, Logger } from '../../../edge/core/ports';
import { ResiliencePolicy, type PolicySettings } from '../../../edge/core/resilience/policy';
import { builtInIntents } from '../../../edge/pipeline/intent/built-in';
import { HfIntentClassifier, type HfIntentOptions } from '../../../edge/providers/huggingface/intents';
import { candidateLabels, intentOfLabel, parseIntentLabels, siteIntentOfLabel, siteLabels } from '../../../edge/providers/huggingface/labels';
import { FallbackIntents } from '../../../edge/providers/resilience/fallback';
import { describeProviderChoices, selectIntents } from '../../../edge/wiring/providers';
import { startHuggingFaceFake, type HuggingFaceFake } from '../../fakes/huggingface-server';

const TOKEN = 'hf_test_token';
const FINE_TUNED = ['greeting', 'product_question', 'policy_question', 'order_status', 'return_refund', 'human', 'complaint', 'other', 'shipping_delay'];
let hf: HuggingFaceFake;
const local = builtInIntents();
const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
const log: Logger = { debug() {}, info() {}, warn: (msg, fields) => void warnings.push({ msg, fields }), error() {} };

beforeAll(async () => {
  hf = await startHuggingFaceFake({
    token: TOKEN,
    models: {
      'acme/support-intents': { task: 'text-classification', labels: FINE_TUNED },
      'acme/hub-once': { task: 'text-classification', labels: FINE_TUNED },
      'acme/numbered': { task: 'text-classification', labels: ['LABEL_0', 'LABEL_1', 'LABEL_2'] },
      'facebook/bart-large-mnli': { task: 'zero-shot-classification' },
    },
    tei: { labels: FINE_TUNED },
  });
});
afterAll(() => hf?.close());
beforeEach(() => {
  hf.reset();
  warnings.length = 0;
});

let now = 0;
const clock = { now: () => now };
function policy(s: Partial<PolicySettings> = {}): ResiliencePolicy {
  // A budget no loaded machine reaches by accident: the tests about timeouts set their own.
  return new ResiliencePolicy('huggingface', { timeoutMs: 10_000, retries: 0, baseDelayMs: 1, maxDelayMs: 1, ...s }, { clock, log, random: () => 0 });
}
function classifier(o: Partial<HfIntentOptions> = {}): HfIntentClassifier {
  return new HfIntentClassifier({ model: 'acme/support-intents', task: 'text-classification', token: TOKEN, labels: new Map(), threshold: 0.4, policy: policy(), fetch: hf.fetch, ...o });
}

describe('intents against a local server speaking the Hugging Face Inference API wire protocol', () => {
  it('text-classification: looks the model up on the Hub, posts {inputs} to the router with the token, and maps the labels', async () => {
    const r = await classifier({ model: 'acme/hub-once' }).classify('I want a refund for these boots');
    expect(r).toMatchObject({ intent: 'return_refund', model: 'hf:acme/hub-once' });
    expect(r.score).toBeGreaterThan(0.4);
    expect(hf.sent).toEqual([
      'https://huggingface.co/api/models/acme/hub-once?expand[]=inferenceProviderMapping',
      'https://router.huggingface.co/hf-inference/models/acme/hub-once',
    ]);
    const [post] = hf.inferences();
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.body).toEqual({ inputs: 'I want a refund for these boots' });
    // The Hub's answer is kept: the next question goes straight to the router.
    await classifier({ model: 'acme/hub-once' }).classify('hello there');
    expect(hf.sent.slice(2)).toEqual(['https://router.huggingface.co/hf-inference/models/acme/hub-once']);
  });

  it("labels not among the intents are 'other', and so is a top score under the threshold", async () => {
    hf.queue({ scores: { shipping_delay: 0.9, complaint: 0.1 } });
    expect(await classifier().classify('my parcel is a week late')).toEqual({ intent: 'other', score: 0.9, model: 'hf:acme/support-intents' });
    hf.queue({ scores: { order_status: 0.3, complaint: 0.25, other: 0.45 } });
    expect(await classifier({ threshold: 0.5 }).classify('hmm')).toMatchObject({ intent: 'other', score: 0.45 });
    hf.queue({ scores: { order_status: 0.35, complaint: 0.33, greeting: 0.32 } });
    const low = await classifier().classify('status?');
    expect(low.intent).toBe('other');
    expect(low.score).toBeCloseTo(0.65, 5);
  });

  it('INTENT_LABELS maps a fine-tuned model\'s own labels (LABEL_n) to intents', async () => {
    const { labels } = parseIntentLabels('LABEL_0=greeting, LABEL_1=return_refund, LABEL_2=order_status');
    hf.queue({ scores: { LABEL_1: 0.8, LABEL_0: 0.15, LABEL_2: 0.05 } });
    expect(await classifier({ model: 'acme/numbered', labels }).classify('can I send it back?')).toMatchObject({ intent: 'return_refund', score: 0.8 });
    expect(intentOfLabel('Order Status', new Map())).toBe('order_status');
    expect(intentOfLabel('return-refund', new Map())).toBe('return_refund');
    expect(intentOfLabel('label_1', labels)).toBe('return_refund');
    expect(intentOfLabel('LABEL_9', labels)).toBeNull();
  });

  it('zero-shot: the candidate labels sent are the intent names, multi_label false, and the answer maps back', async () => {
    hf.queue({ scores: { 'return refund': 0.7, complaint: 0.2, other: 0.1 } });
    const r = await classifier({ model: 'facebook/bart-large-mnli', task: 'zero-shot' }).classify('Can I get my money back?');
    expect(r).toEqual({ intent: 'return_refund', score: 0.7, model: 'hf:facebook/bart-large-mnli' });
    const [post] = hf.inferences();
    expect(post.path).toBe('/hf-inference/models/facebook/bart-large-mnli');
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const sent = post.body as { inputs: string; parameters: { candidate_labels: string[]; multi_label: boolean } };
    expect(sent.inputs).toBe('Can I get my money back?');
    expect(sent.parameters.multi_label).toBe(false);
    expect(sent.parameters.candidate_labels).toEqual(INTENTS.map((i) => i.replace(/_/g, ' ')));
    // INTENT_LABELS words the labels offered; each still maps back to its intent.
    const { labels } = parseIntentLabels('asking to speak to a person=human,a question about a product=product_question');
    expect(candidateLabels(labels)).toEqual(['greeting', 'a question about a product', 'policy question', 'order status', 'return refund', 'asking to speak to a person', 'complaint', 'other']);
    hf.queue({ scores: { 'asking to speak to a person': 0.8, other: 0.2 } });
    expect((await classifier({ model: 'facebook/bart-large-mnli', task: 'zero-shot', labels }).classify('can I talk to someone')).intent).toBe('human');
  });

  it('HF_ENDPOINT_URL: a TEI server\'s /predict (a flat list of predictions), with no token or with its API key', async () => {
    const tei = classifier({ endpointUrl: `${hf.url}/predict`, token: undefined, fetch: undefined });
    expect(await tei.classify('I want a refund')).toMatchObject({ intent: 'return_refund', model: 'hf:acme/support-intents' });
    const [post] = hf.inferences();
    expect(post.path).toBe('/predict');
    expect(post.body).toEqual({ inputs: 'I want a refund' });
    expect(post.headers.authorization).toBeUndefined();
    // No Hub look-up for an endpoint.
    expect(hf.requests.filter((r) => r.method === 'GET')).toEqual([]);
    // TEI routes a classifier's root to /predict too; a token goes along as a Bearer key.
    const root = classifier({ endpointUrl: hf.url, token: 'tei-key' });
    expect((await root.classify('what is my order status')).intent).toBe('order_status');
    expect(hf.inferences()[1]).toMatchObject({ path: '/', headers: { authorization: 'Bearer tei-key' } });
  });

  it('HF_ENDPOINT_URL with zero-shot: an Inference Endpoint\'s {sequence, labels, scores} answer', async () => {
    hf.queue({ scores: { greeting: 0.9, other: 0.1 } });
    expect(await classifier({ endpointUrl: hf.url, task: 'zero-shot', model: 'acme/nli' }).classify('good morning!')).toMatchObject({ intent: 'greeting', score: 0.9 });
    expect((hf.inferences()[0].body as { parameters: { candidate_labels: string[] } }).parameters.candidate_labels).toHaveLength(INTENTS.length);
  });

  it("zero-shot with the site's own intents: offered in words beside the built-ins, mapped back to the site's names", async () => {
    const zeroShot = classifier({ model: 'facebook/bart-large-mnli', task: 'zero-shot' });
    const siteIntents = ['warranty_claim', 'cancel_order', 'change-delivery.address'];
    hf.queue({ scores: { 'cancel order': 0.8, complaint: 0.1, other: 0.1 } });
    expect(await zeroShot.classify('please cancel my order', undefined, { siteIntents })).toEqual({ intent: 'cancel_order', score: 0.8, model: 'hf:facebook/bart-large-mnli' });
    const sent = (hf.inferences()[0].body as { parameters: { candidate_labels: string[] } }).parameters.candidate_labels;
    expect(sent).toEqual([...INTENTS.map((i) => i.replace(/_/g, ' ')), 'cancel order', 'change delivery address', 'warranty claim']);

    // Built-ins still land: a greeting, a person asked for.
    hf.queue({ scores: { greeting: 0.7, 'warranty claim': 0.2, other: 0.1 } }, { scores: { human: 0.6, 'cancel order': 0.3, other: 0.1 } });
    expect(await zeroShot.classify('hi there', undefined, { siteIntents })).toMatchObject({ intent: 'greeting', score: 0.7 });
    expect(await zeroShot.classify('a person please', undefined, { siteIntents })).toMatchObject({ intent: 'human', score: 0.6 });
    // Words with a dot or a hyphen map back to the name as the site wrote it.
    hf.queue({ scores: { 'change delivery address': 0.9, other: 0.1 } });
    expect((await zeroShot.classify('send it to my office instead', undefined, { siteIntents })).intent).toBe('change-delivery.address');

    // Under the threshold a site label is 'other', scored as the chance it was wrong.
    hf.queue({ scores: { 'warranty claim': 0.35, complaint: 0.33, other: 0.32 } });
    const low = await zeroShot.classify('it broke', undefined, { siteIntents });
    expect(low.intent).toBe('other');
    expect(low.score).toBeCloseTo(0.65, 5);

    // Without the context, the built-in candidates only, as before; a site's words are then no intent.
    hf.queue({ scores: { 'cancel order': 0.9, other: 0.1 } });
    expect(await zeroShot.classify('please cancel my order')).toMatchObject({ intent: 'other', score: 0.9 });
    expect((hf.inferences().at(-1)!.body as { parameters: { candidate_labels: string[] } }).parameters.candidate_labels).toEqual(INTENTS.map((i) => i.replace(/_/g, ' ')));
  });

  it("a site's names that the built-ins claim stay the built-ins', offered once", async () => {
    const { labels } = parseIntentLabels('asking to speak to a person=human');
    const builtIn = candidateLabels(labels);
    const site = siteLabels(['greeting', 'Order-Status', 'asking_to_speak_to_a_person', 'cancel_order', 'cancel-order', 'other'], labels, builtIn);
    expect(site.candidates).toEqual([...builtIn, 'cancel order']);
    expect(siteIntentOfLabel('cancel order', site)).toBe('cancel_order');
    expect(siteIntentOfLabel('greeting', site)).toBeNull();
    expect(siteIntentOfLabel('asking to speak to a person', site)).toBeNull();
    expect(siteLabels([], labels, builtIn).candidates).toEqual(builtIn);

    hf.queue({ scores: { greeting: 0.9, other: 0.1 } });
    const zeroShot = classifier({ model: 'facebook/bart-large-mnli', task: 'zero-shot' });
    expect(await zeroShot.classify('hello', undefined, { siteIntents: ['greeting', 'warranty_claim'] })).toMatchObject({ intent: 'greeting' });
    const sent = (hf.inferences()[0].body as { parameters: { candidate_labels: string[] } }).parameters.candidate_labels;
    expect(sent.filter((l) => l === 'greeting')).toHaveLength(1);
    expect(sent.at(-1)).toBe('warranty claim');
  });

  it("text-classification: a label that spells one of the site's intent names is that intent", async () => {
    const siteIntents = ['warranty_claim', 'return_refund'];
    for (const label of ['Warranty Claim', 'warranty-claim', 'WARRANTY_CLAIM']) {
      hf.queue({ scores: { [label]: 0.85, other: 0.15 } });
      expect(await classifier().classify('my kettle broke after a month', undefined, { siteIntents })).toEqual({ intent: 'warranty_claim', score: 0.85, model: 'hf:acme/support-intents' });
    }
    // Only {inputs} is sent: the site's names change how the answer is read, not the request.
    expect(hf.inferences()[0].body).toEqual({ inputs: 'my kettle broke after a month' });
    // A built-in name stays the built-in; a label that is neither is 'other', as before.
    hf.queue({ scores: { 'return refund': 0.8, other: 0.2 } }, { scores: { cancel_order: 0.8, other: 0.2 } }, { scores: { 'Warranty Claim': 0.8, other: 0.2 } });
    expect((await classifier().classify('refund please', undefined, { siteIntents })).intent).toBe('return_refund');
    expect(await classifier().classify('cancel it', undefined, { siteIntents })).toMatchObject({ intent: 'other', score: 0.8 });
    expect(await classifier().classify('it broke')).toMatchObject({ intent: 'other', score: 0.8 });
  });

  it("keeps each site's worked-out labels, a bounded number of them", async () => {
    const c = classifier({ model: 'facebook/bart-large-mnli', task: 'zero-shot' });
    const sites = (c as unknown as { sites: Map<string, unknown> }).sites;
    hf.queue({ scores: { other: 1 } }, { scores: { other: 1 } });
    await c.classify('one', undefined, { siteIntents: ['b_thing', 'a_thing'] });
    const kept = [...sites.values()][0];
    await c.classify('two', undefined, { siteIntents: ['a_thing', 'b_thing'] });
    expect(sites.size).toBe(1);
    expect([...sites.values()][0]).toBe(kept);
    for (let i = 0; i < 300; i++) {
      hf.queue({ scores: { other: 1 } });
      await c.classify('three', undefined, { siteIntents: [`intent_${i}`] });
    }
    expect(sites.size).toBe(256);
  });

  it('sends nothing for text with no letters or digits', async () => {
    expect(await classifier().classify(' ?! ')).toEqual({ intent: 'other', score: 1, model: 'hf:acme/support-intents' });
    expect(hf.requests).toEqual([]);
  });
});

describe('the fallback: the embedded classifier answers when Hugging Face cannot', () => {
  const fallback = (o: Partial<HfIntentOptions> = {}) => new FallbackIntents(classifier(o), local, log);

  it('on a timeout, within the budget, and the answer still comes', async () => {
    hf.queue({ delayMs: 10_000 });
    const started = Date.now();
    const r = await fallback({ policy: policy({ timeoutMs: 150 }) }).classify('where is my order 40021?');
    // Long before the late reply would have come (with room for a loaded machine).
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r).toEqual({ ...local.classify('where is my order 40021?'), model: 'local' });
    const said = warnings.find((w) => w.msg === 'intent classification failed; using the local classifier');
    expect(said?.fields).toMatchObject({ stage: 'intent', provider: 'hf:acme/support-intents', fallback: 'local' });
    expect(said?.fields?.error).toMatch(/took longer than 150 ms/);
  });

  it('on an error: a wrong token (401), a server error, a malformed answer', async () => {
    const wrong = await fallback({ token: 'hf_wrong' }).classify('hello');
    expect(wrong.model).toBe('local');
    expect(hf.inferences()[0].headers.authorization).toBe('Bearer hf_wrong');
    expect(warnings.find((w) => w.fields?.fallback === 'local')?.fields?.error).toMatch(/^401: .*Invalid credentials/);

    hf.queue({ status: 500, error: 'Internal Server Error' });
    expect((await fallback().classify('hello')).model).toBe('local');
    hf.queue({ body: { nothing: 'useful' } });
    expect((await fallback().classify('hello')).model).toBe('local');
    hf.queue({ body: [[]] });
    expect((await fallback().classify('hello')).model).toBe('local');
  });

  it('retries a 503 once (Retry-After honoured), with the library\'s own 503 loop off', async () => {
    hf.queue({ status: 503, error: 'Model acme/support-intents is currently loading', headers: { 'retry-after': '0' } });
    const r = await fallback({ policy: policy({ retries: 1 }) }).classify('I want a refund');
    expect(r.model).toBe('hf:acme/support-intents');
    expect(hf.inferences()).toHaveLength(2);

    hf.reset();
    hf.queue({ status: 503, error: 'loading' }, { status: 503, error: 'loading' });
    expect((await fallback().classify('I want a refund')).model).toBe('local');
    expect(hf.inferences()).toHaveLength(1);
  });

  it('opens the breaker after repeated failures: the local classifier serves without calling, then one trial closes it', async () => {
    now = 0;
    const p = policy({ failureThreshold: 2, cooldownMs: 30_000 });
    const f = fallback({ policy: p });
    hf.queue({ status: 500 }, { status: 500 });
    await f.classify('hello');
    await f.classify('hello');
    expect(p.breaker.state).toBe('open');
    const before = hf.inferences().length;
    const served = await f.classify('I want a refund');
    expect(served).toMatchObject({ model: 'local', intent: local.classify('I want a refund').intent });
    expect(hf.inferences()).toHaveLength(before);
    expect(warnings.at(-1)?.fields?.error).toMatch(/circuit open/);
    now = 31_000;
    expect((await f.classify('I want a refund')).model).toBe('hf:acme/support-intents');
    expect(p.breaker.state).toBe('closed');
  });

  it("hands the site's intents to the remote model; the local classifier behind it knows only the built-ins", async () => {
    const seen: unknown[] = [];
    const primary = {
      name: 'fake',
      classify: async (_text: string, _signal?: AbortSignal, context?: IntentContext) => {
        seen.push(context);
        if (seen.length > 1) throw new Error('down');
        return { intent: 'warranty_claim', score: 0.9, model: 'fake' };
      },
    };
    const f = new FallbackIntents(primary, local, log);
    const context = { siteIntents: ['warranty_claim'] };
    expect(await f.classify('my kettle broke', undefined, context)).toEqual({ intent: 'warranty_claim', score: 0.9, model: 'fake' });
    expect(await f.classify('hello', undefined, context)).toEqual({ ...local.classify('hello'), model: 'local' });
    expect(seen).toEqual([context, context]);
  });

  it('gives up with the caller: an aborted question gets no answer', async () => {
    hf.queue({ delayMs: 1_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('visitor left')), 50);
    await expect(fallback().classify('hello', ac.signal)).rejects.toThrow(/visitor left/);
    expect(warnings).toEqual([]);
  });
});

describe('wired from config', () => {
  it('HF_TOKEN and INTENT_MODEL: intents from the Inference API, the local classifier behind it', async () => {
    const config = loadConfig({ HF_TOKEN: TOKEN, INTENT_MODEL: 'acme/support-intents' });
    expect(describeProviderChoices(config).intents).toBe('Hugging Face acme/support-intents, text-classification on the Inference API (falls back to the local classifier)');
    const intents = selectIntents(config, { log, fetch: hf.fetch, policies: { intents: { timeoutMs: 10_000 } } }, local);
    expect(await intents.classify('I want a refund')).toMatchObject({ intent: 'return_refund', model: 'hf:acme/support-intents' });

    const tei = loadConfig({ HF_ENDPOINT_URL: `${hf.url}/predict`, INTENT_MODEL: 'acme/support-intents', INTENT_THRESHOLD: '0.3' });
    expect(describeProviderChoices(tei).intents).toMatch(/^Hugging Face acme\/support-intents, text-classification at 127\.0\.0\.1:\d+ /);
    expect((await selectIntents(tei, { log }, local).classify('what is my order status')).intent).toBe('order_status');

    expect(describeProviderChoices(loadConfig({})).intents).toBe('local classifier');
    expect(selectIntents(loadConfig({}), { log }, local)).toBe(local);
  });
});
