/**
 * The retrieval eval on StackFAQ's dev half (../shared/eval/stackfaq-dev), as before
 * `npm run eval` took a command and a folder: the same code as
 * `npm run eval -- retrieval ../shared/eval/stackfaq-dev` (tests/eval/). Measures; asserts nothing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatRetrieval } from '../eval/report';
import { runEval } from '../eval/run';

const DIR = fileURLToPath(new URL('../../../shared/eval/stackfaq-dev/', import.meta.url));
if (!existsSync(DIR)) {
  console.error(`no eval data at ${DIR} (it sits beside the project, in ../shared/eval)`);
  process.exit(2);
}
const report = await runEval({ command: 'retrieval', dir: DIR, env: process.env, embedder: process.argv[2] });
if (report.command === 'retrieval') {
  console.log(`StackFAQ dev: ${report.meta.documents} answers, ${report.queries} queries; EMBEDDING_MODEL=${report.meta.embedder}`);
  console.log(formatRetrieval(report));
}
