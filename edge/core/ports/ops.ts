/** What every part may use: logging, time, ids, all handed in rather than global. */

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface Clock {
  now(): number;
}

export interface IdGen {
  (prefix: string): string;
}
