/**
 * Node's JSON logs (LOG_FORMAT=json) through pino: the same line shape as consoleLogger's JSON
 * on Workers ({ level, time, msg, …fields }), so one collector pipeline reads both. Lines are
 * redacted (ops/redact.ts) as they are written. Writes are synchronous: the process exits right
 * after its last lines ("stopped"), and those must not be lost in a buffer.
 */
import pino, { type DestinationStream } from 'pino';
import type { Logger } from '../../core/ports';
import type { LogLevel } from '../../ops/logger';
import { redact } from '../../ops/redact';

export function pinoLogger(level: LogLevel, dest: DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  const p = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: redact },
    },
    dest,
  );
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
  };
}
