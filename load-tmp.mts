import { startNodeProcess } from './tests/helpers/node-process';
import { measureLoad } from './tests/bench/load';
import { percentiles } from './tests/bench/table';
import { NO_LIMITS } from './tests/helpers/limits';
const p = await startNodeProcess({ env: { RAG_CACHE_TTL: '0', ...NO_LIMITS }, nodeArgs: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/srvprof'] : [] });
for (const c of [8, 32]) {
  const f = await measureLoad([p.wsUrl()], 'x' + c, c);
  const w = percentiles(f.whole);
  console.log(c, 'conversations:', f.perSecond.toFixed(0), 'msg/s; whole p50/p95/p99', w.p50.toFixed(1), w.p95.toFixed(1), w.p99.toFixed(1));
}
await p.stop();
process.exit(0);
