/**
 * A Hugging Face model's labels and our intents. A fine-tuned text-classification model names
 * its classes as it was trained (`refund`, `LABEL_3`, `Order Status`); a zero-shot model takes
 * the labels it is asked to choose from. `INTENT_LABELS` (`label=intent`, comma-separated) maps
 * the first and words the second; without it, a label that spells an intent (case, spaces and
 * hyphens aside) is that intent, zero-shot is offered the intent names, and anything else is
 * 'other'. A site's own intents come on top (siteLabels), never in place of these.
 */
import { INTENTS, type Intent } from '@support-chat/protocol';

export type LabelMap = ReadonlyMap<string, Intent>;

/** `INTENT_LABELS` → label (as written, which is how a zero-shot model is sent it) → intent, with what is wrong in it. */
export function parseIntentLabels(spec: string | undefined): { labels: LabelMap; problems: string[] } {
  const labels = new Map<string, Intent>();
  const problems: string[] = [];
  for (const entry of (spec ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.lastIndexOf('=');
    const label = eq > 0 ? entry.slice(0, eq).trim() : '';
    const intent = eq > 0 ? entry.slice(eq + 1).trim() : '';
    if (!label || !intent) {
      problems.push(`entry "${entry}" must be label=intent, e.g. LABEL_3=return_refund`);
      continue;
    }
    if (!isIntent(intent)) {
      problems.push(`maps "${label}" to "${intent}", which is not an intent (one of ${INTENTS.join(', ')})`);
      continue;
    }
    const before = [...labels.keys()].find((l) => same(l, label));
    if (before !== undefined && labels.get(before) !== intent) problems.push(`maps "${label}" to two intents`);
    labels.set(before ?? label, intent);
  }
  return { labels, problems };
}

/** The intent a model's label stands for (case, spaces and hyphens aside), or null when it is none of ours. */
export function intentOfLabel(label: string, labels: LabelMap): Intent | null {
  const mapped = labels.get(label) ?? [...labels].find(([l]) => same(l, label))?.[1];
  if (mapped) return mapped;
  const name = label.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return isIntent(name) ? name : null;
}

/**
 * What a zero-shot model chooses from: for each intent, the labels INTENT_LABELS maps to it,
 * else its name in words ("product question"). Every intent is offered, 'other' included, so
 * the scores (multi_label false) are shared among all of them.
 */
export function candidateLabels(labels: LabelMap): string[] {
  const out: string[] = [];
  for (const intent of INTENTS) {
    const mine = [...labels].filter(([, i]) => i === intent).map(([label]) => label);
    out.push(...(mine.length ? mine : [intent.replace(/_/g, ' ')]));
  }
  return out;
}

/**
 * A site's own intents as a model may name them. Zero-shot is offered each in words ("cancel
 * order" for `cancel_order`) after the built-in candidates, which stay so "hi" and "a person
 * please" still land; a label that spells one (case, spaces, hyphens vs underscores aside) is
 * that site intent. A name the built-ins already claim (an intent name, an INTENT_LABELS label,
 * words already offered) stays theirs: offering it twice would split its score.
 */
export interface SiteLabels {
  /** What a zero-shot model chooses from: the built-in candidates, then the site's names in words. */
  candidates: string[];
  /** A label's key (labelKey) → the site's intent name. */
  names: ReadonlyMap<string, string>;
}

export function siteLabels(siteIntents: readonly string[], labels: LabelMap, builtIn: readonly string[]): SiteLabels {
  const candidates = [...builtIn];
  const builtInKeys = new Set(builtIn.map(labelKey));
  const names = new Map<string, string>();
  for (const name of siteIntents) {
    const words = name.replace(/[_.-]+/g, ' ').replace(/\s+/g, ' ').trim();
    if (!words || intentOfLabel(name, labels) !== null || intentOfLabel(words, labels) !== null) continue;
    const keys = [labelKey(name), labelKey(words)];
    // Two site names with the same words (`cancel_order`, `cancel-order`): the first keeps them.
    if (keys.some((k) => builtInKeys.has(k) || names.has(k))) continue;
    for (const k of keys) names.set(k, name);
    candidates.push(words);
  }
  return { candidates, names };
}

/** The site intent a model's label stands for, or null. Ask intentOfLabel first: the built-ins win. */
export function siteIntentOfLabel(label: string, site: SiteLabels): string | null {
  return site.names.get(labelKey(label)) ?? null;
}

function labelKey(label: string): string {
  return label.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function isIntent(v: string): v is Intent {
  return (INTENTS as readonly string[]).includes(v);
}
