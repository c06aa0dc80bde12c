/**
 * How busy the machine is with processes other than this one (and the given children), from
 * /proc: a latency test measures the server it starts, and another process's CPU on a 2-core
 * box (a test file's server still shutting down) shows up as the server's latency.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function machineBusyTicks(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  void idle;
  void iowait;
  return user + nice + system + irq + softirq + (steal ?? 0);
}

function processTicks(pid: number | 'self'): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(after[11]) + Number(after[12]);
  } catch {
    return 0; // gone
  }
}

/** Cores' worth of CPU that other processes used over `ms` (0 = none, 1 = one core's whole time). */
export async function othersBusy(ms: number, pids: number[] = []): Promise<number> {
  const own = () => processTicks('self') + pids.reduce((n, p) => n + processTicks(p), 0);
  const m0 = machineBusyTicks();
  const o0 = own();
  await new Promise((r) => setTimeout(r, ms));
  const others = machineBusyTicks() - m0 - (own() - o0);
  return Math.max(0, others) / TICKS_PER_SECOND / (ms / 1000);
}

/**
 * Waits until other processes use under `maxCores` for a whole second, up to `timeoutMs`;
 * returns the last figure (a machine that never quiets down is reported, not waited on forever).
 */
export async function waitForQuiet(maxCores = 0.25, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const busy = await othersBusy(1000);
    if (busy < maxCores || Date.now() > until) return busy;
  }
}
