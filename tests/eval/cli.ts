/**
 * npm run eval -- retrieval <dir> [options]
 * npm run eval -- answers <dir> [options]
 *
 * Quality measured through the product on a BEIR-layout folder (see tests/eval/README in the
 * project README's "Quality" section). Exit codes: 0 done, 2 usage or data error.
 */
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../../edge/config/load';
import { parseCli } from '../../edge/runtime/node/cli-parse';
import { EvalDataError } from './beir';
import { formatAnswers, formatRetrieval } from './report';
import { runEval, type EvalOptions, type EvalReport } from './run';
import { DEFAULT_CLINC_SAMPLE, OFF_TOPIC_INTENTS } from './unanswerable';

interface CliOptions {
  json?: boolean;
  limit?: number;
  collapse: string;
  embedder?: string;
  unanswerable?: string;
  oos: number;
  inScope: number;
  inScopeLabels?: string;
  records?: boolean;
  progress: boolean;
}

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
};

async function main(argv: string[]): Promise<number> {
  // The server's settings (a .env beside package.json, the environment winning), as `npm run ingest` reads them.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const program = new Command()
    .name('eval')
    .description('Measure retrieval or answers through the product on a BEIR folder (corpus.jsonl, queries.jsonl, qrels.tsv[, unanswerable.jsonl])')
    .addArgument(new Command().createArgument('<command>', 'retrieval | answers').choices(['retrieval', 'answers']))
    .argument('<dir>', 'the BEIR folder, e.g. ../shared/eval/stackfaq-dev')
    .option('--json', 'print the report as JSON on stdout')
    .option('--limit <n>', 'at most n questions of each set, spread evenly over the file', count)
    .option('--collapse <spec>', 'score groups of documents: auto (tNNN-aK → tNNN), none, or a regex whose first group (or match) is the group', 'auto')
    .option('--embedder <model>', 'EMBEDDING_MODEL for this run (default: the product\'s default, or EMBEDDING_MODEL)')
    .option('--unanswerable <file>', 'questions the corpus cannot answer: a .jsonl (_id, text) or a CLINC150 .csv (text,label); default <dir>/unanswerable.jsonl')
    .addOption(new Option('--oos <n>', 'from a CLINC150 .csv: how many out-of-scope rows').argParser(count).default(DEFAULT_CLINC_SAMPLE.oos))
    .addOption(new Option('--in-scope <n>', 'from a CLINC150 .csv: how many other domains\' in-scope questions').argParser(count).default(DEFAULT_CLINC_SAMPLE.inScope))
    .option('--in-scope-labels <list>', `from a CLINC150 .csv: comma-separated intents to sample (default ${OFF_TOPIC_INTENTS.length} banking, travel, kitchen and auto intents)`)
    .option('--records', 'with --json: every answer\'s record too')
    .option('--no-progress', 'no progress on stderr');

  const usage = parseCli(program, argv);
  if (usage !== null) return usage;
  const [command, dir] = program.args as ['retrieval' | 'answers', string];
  const o = program.opts<CliOptions>();
  const tty = process.stderr.isTTY;
  let last = 0;
  const progress: EvalOptions['progress'] = (stage, done, total) => {
    if (!o.progress) return;
    const now = performance.now();
    if (done !== total && now - last < 1000) return;
    last = now;
    const line = `${stage} ${done}/${total}`;
    if (tty) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };

  let report: EvalReport;
  try {
    report = await runEval({
      command,
      dir,
      env: process.env,
      embedder: o.embedder,
      limit: o.limit,
      collapse: o.collapse,
      unanswerable: o.unanswerable,
      clinc: { oos: o.oos, inScope: o.inScope, ...(o.inScopeLabels ? { labels: o.inScopeLabels.split(',').map((s) => s.trim()).filter(Boolean) } : {}) },
      records: o.records,
      progress,
    });
  } catch (e) {
    if (e instanceof EvalDataError || e instanceof ConfigError) {
      process.stderr.write(`eval: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (o.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return 0;
  }
  const m = report.meta;
  console.log(
    `${m.dir}: ${m.documents} documents (${m.chunks} chunks), collapse ${m.collapse}; EMBEDDING_MODEL=${m.embedder}, ` +
      `reranker ${m.reranker}, answerer ${m.answerer}, RAG_TOP_K=${m.settings.topK}, RAG_RERANK_TOP_N=${m.settings.rerankTopN}; ingest ${m.ingestMs} ms`,
  );
  if (report.command === 'retrieval') console.log(`${report.queries} judged queries\n\n${formatRetrieval(report)}`);
  else console.log(`\n${formatAnswers(report)}`);
  if (m.problems.length) console.log(`\nthe product logged: ${m.problems.join('; ')}`);
  return 0;
}

process.exitCode = await main(process.argv);
