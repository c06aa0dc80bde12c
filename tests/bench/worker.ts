/**
 * The Worker in workerd beside the Node server, measured the same way in the same run: first
 * token and whole answer over a real socket, and messages per second on one socket and on
 * several conversations at once. Both answer from the demo shop with the embedded models;
 * the Worker's Postgres is PGlite in this process reached through the ws proxy and Neon's
 * driver (as a Worker reaches Neon), Node's is PGlite inside the server.
 */
import { startLocalWorker } from '../../scripts/local-worker';
import { TestSocket } from '../helpers/ws-client';
import { QUESTIONS } from './socket';
import { pct, percentiles, type Row } from './table';
import { NO_LIMITS } from '../helpers/limits';

const ROUNDS = 200;
const WARM_UP = 10;
const PARALLEL = 8;
const PER_SOCKET = 25;

export interface SocketFigures {
  first: number[];
  whole: number[];
  /** Answers per second, one after another on one socket. */
  sequential: number;
  /** Answers per second, PARALLEL conversations at once. */
  parallel: number;
}

/** One message, timed to its first delta and to its answer.end. */
export async function askTimed(s: TestSocket, id: string, text: string): Promise<{ first: number; whole: number }> {
  const from = s.frames.length;
  const t = performance.now();
  s.send({ type: 'message', id, text });
  const start = await s.next('answer.start', (f) => f.replyTo === id, 10_000, from).catch((err) => {
    throw new Error(`${id}: ${err.message}: ${JSON.stringify(s.frames.slice(from).filter((f) => f.type === 'error'))}`);
  });
  await s.next('answer.delta', (f) => f.id === start.id, 10_000, from);
  const first = performance.now() - t;
  await s.next('answer.end', (f) => f.id === start.id, 10_000, from);
  return { first, whole: performance.now() - t };
}

/** The same client and questions for every runtime; a varying suffix keeps the answer cache out. */
export async function measureSocket(port: number, label: string): Promise<SocketFigures> {
  const url = `ws://127.0.0.1:${port}/v1/ws?site=demo`;
  const s = await TestSocket.open(url);
  await s.hello();
  for (let i = 0; i < WARM_UP; i++) await askTimed(s, `${label}w${i}`, `${QUESTIONS[i % QUESTIONS.length]} (warm ${i})`);
  const first: number[] = [];
  const whole: number[] = [];
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const r = await askTimed(s, `${label}${i}`, `${QUESTIONS[i % QUESTIONS.length]} (${i})`);
    first.push(r.first);
    whole.push(r.whole);
  }
  const sequential = ROUNDS / ((performance.now() - started) / 1000);
  s.close();

  const sockets = await Promise.all(Array.from({ length: PARALLEL }, () => TestSocket.open(url)));
  await Promise.all(sockets.map((p) => p.hello()));
  const t = performance.now();
  await Promise.all(
    sockets.map(async (p, n) => {
      for (let i = 0; i < PER_SOCKET; i++) await askTimed(p, `${label}p${n}-${i}`, `${QUESTIONS[(i + n) % QUESTIONS.length]} (p${n}-${i})`);
    }),
  );
  const parallel = (PARALLEL * PER_SOCKET) / ((performance.now() - t) / 1000);
  for (const p of sockets) p.close();
  return { first, whole, sequential, parallel };
}

/** Runs the Worker locally, measures it and the Node server at `nodePort`, and compares them. */
export async function benchWorker(nodePort: number): Promise<Row[]> {
  const worker = await startLocalWorker({ vars: { RAG_CACHE_TTL: '0', ...NO_LIMITS, LOG_LEVEL: 'warn' } });
  try {
    const node = await measureSocket(nodePort, 'n');
    const edge = await measureSocket(worker.port, 'w');
    const baselineName = 'Node server, same client, same run';
    const row = (figure: string, w: number[], n: number[]): Row => {
      const pw = percentiles(w);
      const pn = percentiles(n);
      return { figure, value: pct(pw), baseline: pct(pn), baselineName, ratio: pw.p50 / pn.p50 };
    };
    return [
      row('first token, Worker in workerd (p50/p95/p99)', edge.first, node.first),
      row('whole answer, Worker in workerd (p50/p95/p99)', edge.whole, node.whole),
      {
        figure: 'messages per second, one socket, Worker in workerd',
        value: edge.sequential.toFixed(1),
        baseline: node.sequential.toFixed(1),
        baselineName,
        ratio: edge.sequential / node.sequential,
      },
      {
        figure: `messages per second, ${PARALLEL} conversations at once, Worker in workerd`,
        value: edge.parallel.toFixed(1),
        baseline: node.parallel.toFixed(1),
        baselineName,
        ratio: edge.parallel / node.parallel,
      },
    ];
  } finally {
    await worker.stop();
  }
}
