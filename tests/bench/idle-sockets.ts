/**
 * How many idle conversations one server process holds, and at what memory: N WebSockets that
 * each say hello, get `ready` and then stay quiet, with the server's RSS read from /proc before
 * and after. The clients live in the bench process.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** Sockets opening at once: enough to be quick, few enough not to look like a SYN flood. */
const WAVE = 200;
const HELLO_TIMEOUT_MS = 20_000;
/** Descriptors the bench and the server need besides the sockets (files, databases, the runtime). */
const FD_MARGIN = 512;

export interface IdleFigures {
  asked: number;
  held: number;
  /** A few distinct reasons sockets failed, for the table's note. */
  failures: string[];
  rssBeforeMb: number;
  rssAfterMb: number;
  openSeconds: number;
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) / 1024;
}

/** Null when this process may open `n` sockets, else what stops it and how to fix that. */
export function fdLimitProblem(n: number): string | null {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  if (!m || m[1] === 'unlimited' || Number(m[1]) >= n + FD_MARGIN) return null;
  return `the open-file limit is ${m[1]} and ${n} sockets need about ${n + FD_MARGIN}: run \`ulimit -n ${n + FD_MARGIN}\` (or more) in this shell first, or set BENCH_IDLE_SOCKETS lower`;
}

export async function holdIdleSockets(wsUrl: string, pid: number, n: number): Promise<IdleFigures> {
  const rssBeforeMb = rssMb(pid);
  const open: WebSocket[] = [];
  const failures = new Map<string, number>();
  const started = performance.now();
  try {
    for (let i = 0; i < n; i += WAVE) {
      const wave = await Promise.allSettled(Array.from({ length: Math.min(WAVE, n - i) }, () => helloAndIdle(wsUrl, open)));
      for (const r of wave) if (r.status === 'rejected') failures.set(String(r.reason.message), (failures.get(String(r.reason.message)) ?? 0) + 1);
    }
    const openSeconds = (performance.now() - started) / 1000;
    // Let the server finish what the last hellos started before reading its memory.
    await new Promise((r) => setTimeout(r, 1000));
    const held = open.filter((ws) => ws.readyState === WebSocket.OPEN).length;
    return {
      asked: n,
      held,
      failures: [...failures].slice(0, 3).map(([why, count]) => `${count}× ${why}`),
      rssBeforeMb,
      rssAfterMb: rssMb(pid),
      openSeconds,
    };
  } finally {
    for (const ws of open) ws.terminate();
  }
}

function helloAndIdle(url: string, open: WebSocket[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    open.push(ws);
    const timer = setTimeout(() => fail(new Error(`no ready within ${HELLO_TIMEOUT_MS} ms`)), HELLO_TIMEOUT_MS);
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    };
    ws.once('error', fail);
    ws.once('close', (code) => fail(new Error(`closed with ${code} before ready`)));
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1 })));
    ws.on('message', function onMessage(data) {
      if (settled || (JSON.parse(String(data)) as { type: string }).type !== 'ready') return;
      settled = true;
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.removeAllListeners('close');
      // An idle socket still needs an error listener, or a reset would throw in the bench.
      ws.removeAllListeners('error');
      ws.on('error', () => {});
      resolve();
    });
  });
}
