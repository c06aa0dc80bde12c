/**
 * "Node in production": the Node server as real processes, on its embedded stores and on
 * Redis + PostgreSQL, one process and two, measured with the same load in the same run; then
 * how many idle sockets one process holds, and its memory. Starts every server it needs.
 */
import { startQdrantFake } from '../fakes/qdrant-server';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process';
import { startPostgres15 } from '../servers/postgres15';
import { startRedis } from '../../scripts/local/redis';
import { RespConnection } from '../../scripts/local/resp';
import { fdLimitProblem, holdIdleSockets, type IdleFigures } from './idle-sockets';
import { CONVERSATIONS, measureLoad, measureOffered, type LoadFigures } from './load';
import { ms, percentiles, type Row } from './table';
import { cpuDuring, type CpuFigures } from './cpu';
import { NO_LIMITS } from '../helpers/limits';

const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 10_000);
/** Every answer runs the whole pipeline: no answer cache, no rate limit in the way. */
const LOAD_ENV = { RAG_CACHE_TTL: '0', ...NO_LIMITS };

export async function benchCluster(): Promise<{ rows: Row[]; notes: string[] }> {
  const started = performance.now();
  const [redis, pg, qdrant] = await Promise.all([startRedis(), startPostgres15(), startQdrantFake()]);
  const processes: NodeProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const p = await startNodeProcess({ env: { ...LOAD_ENV, ...env } });
    processes.push(p);
    return p;
  };
  try {
    // PostgreSQL 15 here has no pgvector: the vectors go to Qdrant (a local server speaking its protocol).
    const shared = { REDIS_URL: redis.url, POSTGRES_URL: pg.url, QDRANT_URL: qdrant.url };
    const [embedded, first] = await Promise.all([start({}), start(shared)]);
    // The second joins once the first has created the stores and loaded the demo, as in a rolling deploy.
    const second = await start(shared);

    const { result: a, cpu: aCpu } = await cpuDuring([embedded.pid], () => measureLoad([embedded.wsUrl()], 'a'));
    // The scale target's load: 32 conversations at once on the one embedded process.
    const wide = await measureLoad([embedded.wsUrl()], 'w', WIDE);
    // The same 32 conversations at a traffic, not as fast as they can: the wait a visitor sees.
    const [half, offered] = [await measureOffered(embedded.wsUrl(), 'h', WIDE, OFFERED / 2, OFFERED_SECONDS), await measureOffered(embedded.wsUrl(), 'o', WIDE, OFFERED, OFFERED_SECONDS)];
    const { result: b, cpu: bCpu } = await cpuDuring([first.pid], () => measureLoad([first.wsUrl()], 'b'));
    const { result: c, cpu: cCpu } = await cpuDuring([first.pid, second.pid], () => measureLoad([first.wsUrl(), second.wsUrl()], 'c'));
    await second.stop();
    const redisKeys = await dbSize(redis.port);

    const rows = [...loadRows(a, b, c), ...cpuRows({ a, aCpu, b, bCpu, c, cCpu }), wideRow(a, wide), offeredRow(half, offered)];
    const fdProblem = fdLimitProblem(IDLE_SOCKETS);
    const notes = [
      `Node in production: each configuration gets ${CONVERSATIONS} conversations at once, each asking one question after another over its own WebSocket; ` +
        'no answer cache. Redis is Debian\'s redis-server and PostgreSQL is Debian\'s PostgreSQL 15, both on loopback; PostgreSQL 15 has no pgvector, so in ' +
        'those configurations the vectors live in a local server speaking Qdrant\'s REST protocol (tests/fakes/qdrant-server.ts, exact search, in the bench process). ' +
        'The bench process, the server processes and the stores share this machine\'s cores.',
    ];
    // The servers say which store serves each job only at LOG_LEVEL=info; Redis itself can tell.
    if (redisKeys === 0) notes.push('WARNING: Redis held no keys after the load: the Redis + PostgreSQL rows did not keep sessions in Redis.');
    if (fdProblem) {
      notes.push(`idle sockets not measured: ${fdProblem}`);
    } else {
      // Fresh processes: one that just served the load would give back its garbage while the
      // sockets open, and the difference would be noise (it came out negative).
      await Promise.all([embedded.stop(), first.stop()]);
      for (const [setup, env] of [['1 process, embedded', {}], ['1 process, Redis + PostgreSQL', shared]] as const) {
        const idle = await start(env);
        await settle();
        rows.push(idleRow(setup, await holdIdleSockets(idle.wsUrl(), idle.pid, IDLE_SOCKETS), notes));
        await idle.stop();
      }
    }
    notes.push(`Node in production took ${((performance.now() - started) / 1000).toFixed(0)} s, servers included.`);
    return { rows, notes };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all([redis.stop(), pg.stop(), qdrant.close()]);
  }
}

/** Lets a process that just started finish its start-up work (seeding, JIT) before memory is read. */
const settle = () => new Promise((r) => setTimeout(r, 3000));

async function dbSize(port: number): Promise<number> {
  const conn = await RespConnection.open(port);
  try {
    return Number((await conn.send([['DBSIZE']]))[0]);
  } finally {
    conn.close();
  }
}

const WIDE = 32;
/** Messages per second offered to the WIDE conversations (the scale target's traffic), and for how long. */
const OFFERED = 200;
const OFFERED_SECONDS = 10;

function offeredRow(half: LoadFigures & { offered: number }, full: LoadFigures & { offered: number }): Row {
  const text = (f: LoadFigures & { offered: number }) => {
    const p = percentiles(f.whole);
    return `${ms(p.p50)} / ${ms(p.p99)} (${f.perSecond.toFixed(1)} answered/s)`;
  };
  return {
    figure: `message → answer.end p50 / p99, ${WIDE} conversations sending ${full.offered} messages/s at random (Poisson), 1 process, embedded`,
    value: text(full),
    baseline: text(half),
    baselineName: `the same at ${half.offered} messages/s`,
    ratio: percentiles(full.whole).p99 / percentiles(half.whole).p99,
  };
}

function wideRow(a: LoadFigures, wide: LoadFigures): Row {
  const p = percentiles(wide.whole);
  return {
    figure: `messages per second, ${WIDE} conversations, 1 process, embedded (message → answer.end p50 / p99)`,
    value: `${wide.perSecond.toFixed(1)} (${ms(p.p50)} / ${ms(p.p99)})`,
    baseline: a.perSecond.toFixed(1),
    baselineName: `the same process, ${CONVERSATIONS} conversations`,
    ratio: wide.perSecond / a.perSecond,
  };
}

function loadRows(a: LoadFigures, b: LoadFigures, c: LoadFigures): Row[] {
  const setups: [string, LoadFigures][] = [
    ['1 process, embedded (PGlite, in-memory sessions)', a],
    ['1 process, Redis + PostgreSQL', b],
    ['2 processes, same Redis + PostgreSQL, conversations alternate', c],
  ];
  const base = 'the same figure, 1 process, embedded';
  const p5099 = (xs: number[]) => {
    const p = percentiles(xs);
    return { p, text: `${ms(p.p50)} / ${ms(p.p99)}` };
  };
  const rows: Row[] = [];
  for (const [setup, f] of setups) {
    const first = f === a;
    rows.push({
      figure: `messages per second, ${CONVERSATIONS} conversations, ${setup}`,
      value: f.perSecond.toFixed(1),
      baseline: first ? '' : a.perSecond.toFixed(1),
      baselineName: first ? 'baseline of the rows below' : base,
      ratio: first ? null : f.perSecond / a.perSecond,
    });
  }
  for (const [name, pick] of [['message → answer.end', (f: LoadFigures) => f.whole], ['message → first token', (f: LoadFigures) => f.first]] as const) {
    const ref = p5099(pick(a));
    for (const [setup, f] of setups) {
      const first = f === a;
      const own = p5099(pick(f));
      rows.push({
        figure: `${name} (p50 / p99), ${setup}`,
        value: own.text,
        baseline: first ? '' : ref.text,
        baselineName: first ? 'baseline of the rows below' : `${base} (ratio of p99)`,
        ratio: first ? null : own.p.p99 / ref.p.p99,
      });
    }
  }
  return rows;
}

type Measured = LoadFigures & { answers: number };

/**
 * What each answer cost the server processes, and how busy the whole machine was: two processes
 * can add only what the machine has left beside one (its stores, the load and the kernel share
 * the cores), so the second row says the most they could have given here.
 */
function cpuRows(m: { a: Measured; aCpu: CpuFigures | null; b: Measured; bCpu: CpuFigures | null; c: Measured; cCpu: CpuFigures | null }): Row[] {
  const { a, aCpu, b, bCpu, c, cCpu } = m;
  if (!aCpu || !bCpu || !cCpu) return [];
  const perAnswer = (f: Measured, cpu: CpuFigures) => cpu.processMs.reduce((x, y) => x + y, 0) / f.answers;
  const busy = (cpu: CpuFigures) => `${cpu.busyCores.toFixed(2)} of ${cpu.cores} cores`;
  const ceiling = Math.min(2, bCpu.cores / bCpu.busyCores);
  return [
    {
      figure: 'server CPU per answer, 8 conversations: 1 process, Redis + PostgreSQL; 2 processes (both together)',
      value: `${ms(perAnswer(b, bCpu))}; ${ms(perAnswer(c, cCpu))}`,
      baseline: ms(perAnswer(a, aCpu)),
      baselineName: '1 process, embedded (its main thread and its database thread)',
      ratio: perAnswer(b, bCpu) / perAnswer(a, aCpu),
    },
    {
      figure: 'messages per second, 2 processes over 1, Redis + PostgreSQL (the whole machine busy, every process and the kernel: with 1; with 2)',
      value: `${(c.perSecond / b.perSecond).toFixed(2)}× (${busy(bCpu)}; ${busy(cCpu)})`,
      baseline: `${ceiling.toFixed(2)}×`,
      baselineName: 'the most 2 processes could give over 1 on this machine: cores ÷ cores busy with 1',
      ratio: c.perSecond / b.perSecond / ceiling,
    },
  ];
}

function idleRow(setup: string, f: IdleFigures, notes: string[]): Row {
  const perSocketKb = ((f.rssAfterMb - f.rssBeforeMb) * 1024) / Math.max(1, f.held);
  if (f.failures.length) notes.push(`idle sockets, ${setup}: ${f.asked - f.held} not held (${f.failures.join('; ')})`);
  return {
    figure: `idle sockets held, ${setup} (RSS after; per socket)`,
    value: `${f.held} of ${f.asked}: ${f.rssAfterMb.toFixed(0)} MB; ${perSocketKb.toFixed(1)} KB`,
    baseline: `${f.rssBeforeMb.toFixed(0)} MB`,
    baselineName: `RSS of the same process before them (opened in ${f.openSeconds.toFixed(1)} s)`,
    ratio: f.rssAfterMb / f.rssBeforeMb,
  };
}
