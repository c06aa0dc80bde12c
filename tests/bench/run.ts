/**
 * `npm run bench`: the figures that matter for speed, each beside a baseline measured in the
 * same run on the same machine. Reports numbers; asserts nothing (tests do that).
 * `npm run bench -- --only cluster` (or any comma-separated sections) runs part of it.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../../edge/config/load';
import { silentLogger } from '../../edge/ops/logger';
import { startServer } from '../../edge/runtime/node/server';
import { ingest, type IngestSummary } from '../../edge/ingest/run';
import { parseCli } from '../../edge/runtime/node/cli-parse';
import { benchCluster } from './cluster';
import { benchIntent } from './intent';
import { benchPipeline } from './pipeline';
import { benchStages } from './stages';
import { benchSocket } from './socket';
import { benchWorker } from './worker';
import { formatTable, type Row } from './table';
import { generateCorpus, toMarkdown, type BenchDoc } from './corpus';
import { openEmbeddedStores } from '../../edge/runtime/node/stores';
import { LocalEmbedder } from '../../edge/providers/embeddings/local';
import { MiniLmEmbedder } from '../../edge/providers/embeddings/minilm';
import type { Embedder } from '../../edge/core/ports';
import { NO_LIMITS } from '../helpers/limits';
import { benchObservability } from './observability';

const SECTIONS = ['pipeline', 'server', 'cluster', 'observability', 'intent'] as const;
const program = new Command('bench')
  .description('figures that matter for speed, each beside a baseline measured in the same run')
  .addOption(
    new Option('--only <sections>', `comma-separated: ${SECTIONS.join(', ')} (pipeline: ingest and retrieval; server: one socket, and the Worker beside Node; cluster: Node in production; observability: logs + metrics + traces on against off; intent: the intent trainer on CLINC150, BENCH_INTENT_EMBEDDINGS=0 skips MiniLM)`)
      .argParser((v) => {
        const picked = v.split(',').map((x) => x.trim());
        const unknown = picked.filter((x) => !(SECTIONS as readonly string[]).includes(x));
        if (unknown.length) throw new InvalidArgumentError(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.join(', ')}`);
        return picked;
      }),
  );
const exit = parseCli(program, process.argv);
if (exit !== null) process.exit(exit);
const only = new Set<string>(program.opts<{ only?: string[] }>().only ?? SECTIONS);

const sizes = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const rows: Row[] = [];
const notes: string[] = [];
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

if (only.has('pipeline')) {
  rows.push(...(await benchStages()));
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-corpus-'));
    const docs = generateCorpus(n);
    mkdirSync(join(dir, 'bench'), { recursive: true });
    for (const d of docs) writeFileSync(join(dir, d.source), toMarkdown(d));
    // Today's hashed vectors, then all-MiniLM-L6-v2 (the Node default): the same corpus and queries.
    // BENCH_EMBEDDERS=local-hash-384 (or all-MiniLM-L6-v2) runs one; MiniLM ingests ~40 chunks/s.
    const embedders = ([new LocalEmbedder(), new MiniLmEmbedder()] as Embedder[]).filter((e) => !process.env.BENCH_EMBEDDERS || process.env.BENCH_EMBEDDERS.split(',').includes(e.model));
    for (const embedder of embedders) {
      const label = ` [${embedder.model}]`;
      // On disk, as the server and `npm run ingest` keep them (DATA_DIR); BENCH_DATA=memory: in memory.
      const dataDir = process.env.BENCH_DATA === 'memory' ? null : mkdtempSync(join(tmpdir(), 'bench-data-'));
      const stores = await openEmbeddedStores({ dataDir });
      await stores.vectors.ensure({ model: embedder.model, dimensions: embedder.dimensions });
      const run = () => ingest({ ...stores, embedder }, { siteId: 'bench', paths: [join(dir, 'bench')], baseDir: dir, createSite: true });
      const summary = await run();
      // Baseline: embedding alone, the part of ingest no database can speed up.
      const texts = docs.flatMap((d) => d.sections.map((s) => `${d.title} ${s.heading}\n${s.text}`));
      const t0 = performance.now();
      for (let i = 0; i < texts.length; i += 64) await embedder.embed(texts.slice(i, i + 64), 'query'); // 'query': not served from the document cache
      const embedOnly = texts.length / ((performance.now() - t0) / 1000);
      rows.push({
        figure: `ingest throughput, ${n} chunks${label}${dataDir ? '' : ' (in memory)'}`,
        value: `${Math.round((summary.chunks / summary.ms) * 1000)} chunks/s`,
        baseline: `${Math.round(embedOnly)} chunks/s`,
        baselineName: 'embedding alone',
        ratio: (summary.chunks / summary.ms) * 1000 / embedOnly,
      });
      rows.push(await benchReingest(run, summary, dir, docs, `re-ingest, nothing changed, ${docs.length} documents${label}`));
      rows.push(...(await benchPipeline(stores, embedder, docs, n)).map((r) => ({ ...r, figure: r.figure + label })));
      await stores.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (only.has('server')) {
  const data = mkdtempSync(join(tmpdir(), 'bench-server-'));
  // Today's hashed vectors beside all-MiniLM-L6-v2 (the Node default), each over its own database.
  for (const model of ['local-hash-384', 'all-MiniLM-L6-v2']) {
    const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(data, model), RAG_CACHE_TTL: '0', ...NO_LIMITS, EMBEDDING_MODEL: model }), silentLogger);
    rows.push(...(await benchSocket(server.port)).map((r) => ({ ...r, figure: `${r.figure} [${model}]` })));
    if (model === 'local-hash-384') rows.push(...(await benchWorker(server.port)));
    await server.close();
  }
  rmSync(data, { recursive: true, force: true });
}

if (only.has('cluster')) {
  const cluster = await benchCluster();
  rows.push(...cluster.rows);
  notes.push(...cluster.notes);
}

if (only.has('observability')) {
  const obs = await benchObservability();
  rows.push(...obs.rows);
  notes.push(...obs.notes);
}

if (only.has('intent')) {
  const intent = await benchIntent();
  rows.push(...intent.rows);
  notes.push(...intent.notes);
}

/**
 * The same folder again, nothing changed: every document is skipped. Files just written (here:
 * rewritten with the same bytes) are read and hashed, their size and times being too recent to
 * trust; once older than 2 s they are known by their metadata and not read at all (median of
 * three runs).
 */
async function benchReingest(run: () => Promise<IngestSummary>, first: IngestSummary, folder: string, docs: BenchDoc[], figure: string): Promise<Row> {
  const docsPerSecond = (s: IngestSummary) => (s.documents.unchanged / Math.max(s.ms, 1)) * 1000;
  for (const d of docs) writeFileSync(join(folder, d.source), toMarkdown(d));
  const read = docsPerSecond(await run());
  await new Promise((r) => setTimeout(r, 2100));
  await run(); // reads them once more, now old enough to be remembered by their metadata
  const known: number[] = [];
  for (let i = 0; i < 3; i++) known.push(docsPerSecond(await run()));
  const median = known.sort((a, b) => a - b)[1];
  const ingested = ((first.documents.added + first.documents.updated) / Math.max(first.ms, 1)) * 1000;
  return {
    figure,
    value: `${Math.round(median)} documents/s (reading every file: ${Math.round(read)})`,
    baseline: `${Math.round(ingested)} documents/s`,
    baselineName: 'the first ingest',
    ratio: median / ingested,
  };
}

clearInterval(sample);
rows.push({ figure: 'peak memory (RSS, whole bench)', value: `${Math.round(peakRss / 2 ** 20)} MB`, baseline: `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`, baselineName: 'kernel maxRSS', ratio: null });
console.log(formatTable(rows));
for (const note of notes) console.log(`\n${note}`);
