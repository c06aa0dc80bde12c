import type { Intent } from '../../../sdk/protocol';

export interface IntentResult {
  intent: Intent;
  /** Probability of the chosen intent, 0..1. */
  score: number;
}

export interface IntentClassifier {
  classify(text: string): IntentResult;
}
