/**
 * A Hugging Face model's labels and our intents. A fine-tuned text-classification model names
 * its classes as it was trained (`refund`, `LABEL_3`, `Order Status`); a zero-shot model takes
 * the labels it is asked to choose from. `INTENT_LABELS` (`label=intent`, comma-separated) maps
 * the first and words the second; without it, a label that spells an intent (case, spaces and
 * hyphens aside) is that intent, zero-shot is offered the intent names, and anything else is
 * 'other'.
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

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function isIntent(v: string): v is Intent {
  return (INTENTS as readonly string[]).includes(v);
}
