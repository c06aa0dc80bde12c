import { WebSocketServer } from 'ws';
import { TestSocket } from '../helpers/ws-client';
import { pct, percentiles, type Row } from './table';

/** Demo-shop questions both runtimes' benchmarks ask. */
export const QUESTIONS = [
  'How long does shipping take?',
  'Can I return a used tent?',
  'How much does shipping to Canada cost?',
  'What does the warranty cover?',
  'Do you ship to a PO box?',
  'How do I clean my rain jacket?',
];
const ROUNDS = 200;

/** First-token latency over a real socket, beside a bare WebSocket round trip on the same loopback. */
export async function benchSocket(port: number): Promise<Row[]> {
  const s = await TestSocket.open(`ws://127.0.0.1:${port}/v1/ws?site=demo`);
  await s.hello();
  const first: number[] = [];
  const whole: number[] = [];
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const id = `b${i}`;
    const from = s.frames.length;
    const t = performance.now();
    // A varying suffix keeps every question out of the answer cache.
    s.send({ type: 'message', id, text: `${QUESTIONS[i % QUESTIONS.length]} (${i})` });
    const start = await s.next('answer.start', (f) => f.replyTo === id, 10_000, from);
    await s.next('answer.delta', (f) => f.id === start.id, 10_000, from);
    first.push(performance.now() - t);
    await s.next('answer.end', (f) => f.id === start.id, 10_000, from);
    whole.push(performance.now() - t);
  }
  const perSecond = ROUNDS / ((performance.now() - started) / 1000);
  s.close();

  // Baseline: the same client library echoing through a bare ws server on loopback.
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (ws) => ws.on('message', (d) => ws.send(JSON.stringify({ type: 'pong', echo: String(d).length }))));
  await new Promise((ok) => wss.once('listening', ok));
  const echo = await TestSocket.open(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  const rtt: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const from = echo.frames.length;
    const t = performance.now();
    echo.send({ type: 'ping' });
    await echo.next('pong', () => true, 5000, from);
    rtt.push(performance.now() - t);
  }
  echo.close();
  wss.close();
  const f = percentiles(first);
  const r = percentiles(rtt);
  return [
    { figure: 'first token over a socket (p50/p95/p99)', value: pct(f), baseline: pct(r), baselineName: 'bare WebSocket echo round trip', ratio: f.p50 / r.p50 },
    { figure: 'whole answer over a socket (p50/p95/p99)', value: pct(percentiles(whole)), baseline: pct(r), baselineName: 'bare WebSocket echo round trip', ratio: percentiles(whole).p50 / r.p50 },
    { figure: 'answers per second, one socket', value: perSecond.toFixed(1), baseline: (1000 / r.p50).toFixed(1), baselineName: 'echo round trips per second', ratio: perSecond / (1000 / r.p50) },
  ];
}
