/**
 * Where the CPU went during a load: the whole machine's busy time (every process, the kernel
 * included) and each server process's own, from Linux's /proc. Elsewhere nothing is read.
 */
import { cpus } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's counters: USER_HZ, 100 on every Linux Node runs on. */
const TICK_MS = 10;

export interface CpuFigures {
  /** Cores kept busy on average (idle and iowait excluded), of `cores`. */
  busyCores: number;
  cores: number;
  /** CPU ms each watched process used, in the order given. */
  processMs: number[];
}

export async function cpuDuring<T>(pids: number[], work: () => Promise<T>): Promise<{ result: T; cpu: CpuFigures | null }> {
  if (!existsSync('/proc/stat')) return { result: await work(), cpu: null };
  const [machine0, procs0, t0] = [machineTicks(), pids.map(processTicks), performance.now()];
  const result = await work();
  const [machine1, procs1, wallMs] = [machineTicks(), pids.map(processTicks), performance.now() - t0];
  return {
    result,
    cpu: {
      busyCores: ((machine1.busy - machine0.busy) * TICK_MS) / wallMs,
      cores: cpus().length,
      processMs: procs1.map((t, i) => (t - procs0[i]) * TICK_MS),
    },
  };
}

function machineTicks(): { busy: number } {
  // cpu  user nice system idle iowait irq softirq steal …
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return { busy: user + nice + system + irq + softirq + (steal ?? 0) };
}

function processTicks(pid: number): number {
  // The command may hold spaces or parentheses: the fields start after the last ") ".
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime
}
