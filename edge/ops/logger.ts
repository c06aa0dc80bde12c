import type { Logger } from '../core/ports';
import { redact } from './redact';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

/**
 * One line per event: readable in a terminal, or JSON for log collectors. Only `console`, so
 * it runs unchanged in workerd. Every line is redacted (ops/redact.ts) before it is written.
 */
export function consoleLogger(opts: { level?: LogLevel; json?: boolean; sink?: (line: string, level: LogLevel) => void } = {}): Logger {
  const min = LEVELS[opts.level ?? 'info'];
  const sink = opts.sink ?? ((line, level) => (level === 'error' || level === 'warn' ? console.error(line) : console.log(line)));
  const write = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    if (opts.json) return sink(redact(JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields })), level);
    const extra = fields ? Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
    sink(redact(`${level === 'info' ? '' : level.toUpperCase() + ' '}${msg}${extra ? '  ' + extra : ''}`), level);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** For tests and tools that must stay quiet. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
