export type { IntentClassifier, IntentResult } from '../../core/ports';
