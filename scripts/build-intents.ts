/**
 * npm run intents:built-in: trains the built-in intents from edge/pipeline/intent/examples.ts
 * and writes the model the servers ship (edge/pipeline/intent/built-in-model.ts). Run it after
 * changing the examples; tests/unit/pipeline/intent.test.ts fails while the two differ.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { trainBuiltInModel } from '../edge/pipeline/intent/built-in';
import { builtInModelSource } from '../edge/pipeline/intent/built-in-source';

const file = fileURLToPath(new URL('../edge/pipeline/intent/built-in-model.ts', import.meta.url));
const model = trainBuiltInModel();
writeFileSync(file, builtInModelSource(model.toJSON()));
process.stdout.write(`wrote ${file}: ${model.labels.length} intents\n`);
