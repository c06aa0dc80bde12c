/**
 * Intents from a Hugging Face model through `@huggingface/inference` (INTENT_MODEL):
 * - `text-classification`: a model fine-tuned on support intents; its labels are mapped to
 *   ours (labels.ts), a label that is none of ours is 'other';
 * - `zero-shot`: an NLI model (facebook/bart-large-mnli, MoritzLaurer/…-zeroshot-…) asked to
 *   choose among the intent names (`multi_label: false`: the scores share 1).
 * Given the site's own intent names (IntentContext), zero-shot is offered them too and either
 * task may answer one of them (labels.ts, siteLabels).
 * Where: the serverless Inference API (router.huggingface.co, provider `hf-inference`; the
 * library first reads the model's provider mapping from the Hub, once per model and process),
 * or HF_ENDPOINT_URL, which the library posts to as is: a dedicated Inference Endpoint, or a
 * TEI server (`…/predict`, or its root; TEI serves text-classification only).
 * The top label under `threshold` is 'other', scored as the chance it was wrong, as the
 * embedded classifier does. Every call runs under the provider's ResiliencePolicy (time
 * budget, retries, breaker); the library's own 503 retry loop is off. FallbackIntents puts the
 * embedded classifier behind it.
 */
import type { IntentName } from '@support-chat/protocol';
import type { IntentContext, IntentResult, IntentSource } from '../../core/ports';
import type { ResiliencePolicy } from '../../core/resilience/policy';
import { candidateLabels, intentOfLabel, siteIntentOfLabel, siteLabels, type LabelMap, type SiteLabels } from './labels';
import { callFetch, withStatus } from './wire';

export type IntentTask = 'text-classification' | 'zero-shot';
export const INTENT_TASKS: readonly IntentTask[] = ['text-classification', 'zero-shot'];

export interface HfIntentOptions {
  /** The model id (owner/name); with `endpointUrl` it only names the model in reports. */
  model: string;
  task: IntentTask;
  token?: string;
  endpointUrl?: string;
  labels: LabelMap;
  /** Below this score the top label counts as 'other'. */
  threshold: number;
  policy: ResiliencePolicy;
  fetch?: typeof fetch;
}

type Library = typeof import('@huggingface/inference');
/** Distinct sets of site intent names kept worked out; sites are few, but a process must not grow without end. */
const SITE_LABEL_SETS = 256;
interface Scored {
  label: string;
  score: number;
}

export class HfIntentClassifier implements IntentSource {
  readonly name: string;
  private readonly candidates: string[];
  // Keyed by the sorted names: a site's list is worked out once, not per message.
  private readonly sites = new Map<string, SiteLabels>();
  // Loaded when configured, not by every process that never asks: the library is ~1 MB of JS.
  private readonly library: Promise<Library>;

  constructor(private readonly o: HfIntentOptions) {
    this.name = `hf:${o.model}`;
    this.candidates = candidateLabels(o.labels);
    this.library = import('@huggingface/inference');
    this.library.catch(() => {});
  }

  async classify(text: string, signal?: AbortSignal, context?: IntentContext): Promise<IntentResult> {
    // Nothing to read: no call (the embedded classifier says the same).
    if (!/[\p{L}\p{N}]/u.test(text)) return { intent: 'other', score: 1, model: this.name };
    const site = this.siteLabelsOf(context?.siteIntents);
    // An answer with no usable label is a failure too (the breaker counts it).
    return this.o.policy.run('intent', async (s) => this.decide(await this.ask(text, s, site), site), { signal });
  }

  private siteLabelsOf(names: readonly string[] | undefined): SiteLabels | undefined {
    if (!names?.length) return undefined;
    const sorted = [...names].sort();
    const key = sorted.join('\n');
    let site = this.sites.get(key);
    if (site) this.sites.delete(key);
    else site = siteLabels(sorted, this.o.labels, this.candidates);
    // Re-set on every use, so the set dropped when full is the one least recently used.
    this.sites.set(key, site);
    if (this.sites.size > SITE_LABEL_SETS) this.sites.delete(this.sites.keys().next().value!);
    return site;
  }

  private async ask(text: string, signal: AbortSignal, site: SiteLabels | undefined): Promise<Scored[]> {
    const hf = await this.library;
    const call = callFetch(this.o.fetch ?? fetch, { nestPredictions: this.o.task === 'text-classification' });
    // An endpoint URL and a provider cannot both be named: the library posts to the URL as is.
    const where = this.o.endpointUrl ? { endpointUrl: this.o.endpointUrl } : { provider: 'hf-inference' as const };
    const args = { ...where, model: this.o.model, inputs: text, ...(this.o.token ? { accessToken: this.o.token } : {}) };
    const options = { fetch: call.fetch, signal, retry_on_error: false };
    try {
      return this.o.task === 'zero-shot'
        ? await hf.zeroShotClassification({ ...args, parameters: { candidate_labels: site?.candidates ?? this.candidates, multi_label: false } }, options)
        : await hf.textClassification(args, options);
    } catch (err) {
      throw withStatus(err, call);
    }
  }

  private decide(scored: Scored[], site: SiteLabels | undefined): IntentResult {
    const valid = scored.filter((s) => typeof s.label === 'string' && Number.isFinite(s.score));
    if (valid.length === 0) throw new Error(`${this.name} answered no labels`);
    const top = valid.reduce((a, b) => (b.score > a.score ? b : a));
    const score = Math.min(1, Math.max(0, top.score));
    // The built-in mapping first: a site's name never takes a label the built-ins claim.
    const intent: IntentName | null = intentOfLabel(top.label, this.o.labels) ?? (site ? siteIntentOfLabel(top.label, site) : null);
    if (intent === null) return { intent: 'other', score, model: this.name };
    if (intent !== 'other' && score < this.o.threshold) return { intent: 'other', score: 1 - score, model: this.name };
    return { intent, score, model: this.name };
  }
}
