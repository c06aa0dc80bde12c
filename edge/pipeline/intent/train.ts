/**
 * The embedded intent classifier: a softmax regression trained on the shipped examples when
 * the server starts (a few tens of milliseconds), no model file, no network.
 */
import type { Intent } from '@support-chat/protocol';
import type { IntentClassifier, IntentResult } from '../../core/ports';
import { DEFAULT_INTENT_EXAMPLES, exampleRows, type IntentExamples } from './examples';
import { trainSoftmax, type SoftmaxOptions } from './softmax';

/** Below this calibrated probability the classifier answers 'other' rather than guess. */
export const INTENT_THRESHOLD = 0.4;

// A few hundred short examples: 2^15 hashed features leave few collisions, and three folds
// are enough to fit one temperature while keeping start-up training well under 200 ms.
const INTENT_MODEL: SoftmaxOptions = { dims: 1 << 15, epochs: 8, learningRate: 1, calibrationFolds: 3 };

export interface IntentTrainOptions extends SoftmaxOptions {
  threshold?: number;
}

export function trainIntentClassifier(
  examples: Partial<IntentExamples> = DEFAULT_INTENT_EXAMPLES,
  options: IntentTrainOptions = {},
): IntentClassifier & { readonly temperature: number } {
  const { threshold = INTENT_THRESHOLD, ...softmax } = options;
  const model = trainSoftmax(exampleRows(examples), { ...INTENT_MODEL, ...softmax });
  return {
    temperature: model.temperature,
    classify(text: string): IntentResult {
      if (!/[\p{L}\p{N}]/u.test(text)) return { intent: 'other', score: 1 };
      const { label, score } = model.predict(text);
      // Not confident enough for any intent: 'other', scored as the chance the guess was wrong.
      if (score < threshold) return { intent: 'other', score: 1 - score };
      return { intent: label, score };
    },
  };
}

/** The shipped examples with a site's own added to each intent. */
export function withExtraExamples(extra: Partial<IntentExamples>, base: IntentExamples = DEFAULT_INTENT_EXAMPLES): IntentExamples {
  const out = { ...base } as Record<Intent, readonly string[]>;
  for (const [intent, texts] of Object.entries(extra) as [Intent, readonly string[]][]) {
    out[intent] = [...(out[intent] ?? []), ...texts];
  }
  return out;
}
