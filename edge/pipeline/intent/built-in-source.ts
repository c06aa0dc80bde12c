/** The text of built-in-model.ts for a trained model: one JSON string (V8 parses JSON faster than an object literal of the same size). */
import type { StoredIntentModel } from './model';

export function builtInModelSource(model: StoredIntentModel): string {
  return [
    '// Written by `npm run intents:built-in` from examples.ts; do not edit (see built-in.ts).',
    `export const BUILT_IN_MODEL: unknown = JSON.parse(${JSON.stringify(JSON.stringify(model))});`,
    '',
  ].join('\n');
}
