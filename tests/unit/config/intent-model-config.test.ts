/** HF_TOKEN, INTENT_MODEL, INTENT_TASK, HF_ENDPOINT_URL, INTENT_LABELS, INTENT_THRESHOLD: validated by name, secrets hidden. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../edge/config/load';
import { describeProviders } from '../../../edge/wiring/describe';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('the Hugging Face intent settings', () => {
  it('default to the local classifier, text-classification and a 0.4 threshold', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ INTENT_TASK: 'text-classification', INTENT_THRESHOLD: 0.4 });
    expect(c.INTENT_MODEL).toBeUndefined();
    expect(describeProviders(c).intents).toBe('local classifier');
    // A token alone changes nothing.
    expect(describeProviders(loadConfig({ HF_TOKEN: 'hf_abc' })).intents).toBe('local classifier');
  });

  it('accept a model with a token (the Inference API) or with an endpoint (an Inference Endpoint or TEI)', () => {
    expect(describeProviders(loadConfig({ HF_TOKEN: 'hf_abc', INTENT_MODEL: 'facebook/bart-large-mnli', INTENT_TASK: 'zero-shot' })).intents).toBe(
      'Hugging Face facebook/bart-large-mnli, zero-shot on the Inference API (falls back to the local classifier)',
    );
    expect(describeProviders(loadConfig({ HF_ENDPOINT_URL: 'http://tei.internal:8080/predict', INTENT_MODEL: 'acme/intents' })).intents).toBe(
      'Hugging Face acme/intents, text-classification at tei.internal:8080 (falls back to the local classifier)',
    );
    expect(loadConfig({ HF_TOKEN: 'hf_abc', INTENT_MODEL: 'acme/intents', INTENT_LABELS: 'LABEL_0=greeting, LABEL_1=return_refund', INTENT_THRESHOLD: '0.55' }).INTENT_THRESHOLD).toBe(0.55);
  });

  it('say what is missing: a model with neither token nor endpoint, an endpoint with no model', () => {
    expect(problems({ INTENT_MODEL: 'acme/intents' })).toEqual([
      'INTENT_MODEL=acme/intents needs HF_TOKEN (the Hugging Face Inference API) or HF_ENDPOINT_URL (a dedicated Inference Endpoint or a TEI server)',
    ]);
    expect(problems({ HF_ENDPOINT_URL: 'http://127.0.0.1:8080' })).toEqual([
      'HF_ENDPOINT_URL is set but INTENT_MODEL is not: name the model the endpoint serves (intents are attributed to it)',
    ]);
  });

  it('name every bad value, and never show the token', () => {
    const found = problems({
      HF_TOKEN: 'hf_secret_value',
      INTENT_MODEL: 'https://api-inference.huggingface.co/models/x',
      INTENT_TASK: 'ner',
      HF_ENDPOINT_URL: 'tei:8080',
      INTENT_LABELS: 'LABEL_0=greeting,LABEL_1=refund,oops',
      INTENT_THRESHOLD: '2',
    });
    expect(found).toEqual([
      'INTENT_MODEL must be a model id, not a URL: put an Inference Endpoint or TEI server in HF_ENDPOINT_URL and name its model here (got "https://api-inference.huggingface.co/models/x")',
      'INTENT_TASK must be text-classification or zero-shot (got "ner")',
      'HF_ENDPOINT_URL must be a URL starting with http:// or https:// (got "tei:8080")',
      'INTENT_LABELS maps "LABEL_1" to "refund", which is not an intent (one of greeting, product_question, policy_question, order_status, return_refund, human, complaint, other) (got "LABEL_0=greeting,LABEL_1=refund,oops")',
      'INTENT_LABELS entry "oops" must be label=intent, e.g. LABEL_3=return_refund (got "LABEL_0=greeting,LABEL_1=refund,oops")',
      'INTENT_THRESHOLD must be at most 1 (got "2")',
    ]);
    expect(found.join('\n')).not.toContain('hf_secret_value');
    expect(problems({ INTENT_MODEL: 'not a model id', HF_TOKEN: 'hf_x' })).toEqual(['INTENT_MODEL must be a Hugging Face model id such as facebook/bart-large-mnli (owner/name) (got "not a model id")']);
  });
});
