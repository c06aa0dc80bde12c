/**
 * The two node-redis connections a session store holds: one for commands and one dedicated to
 * subscriptions (a subscribed connection can run nothing else). Both are built to ride out an
 * outage without anyone's help:
 * - `disableOfflineQueue`: while disconnected a command rejects at once instead of waiting in
 *   a queue for a server that may not come back (callers turn that into `unavailable`);
 * - no timeout here for a server that accepts the connection but stops answering (node-redis's
 *   own covers only the wait before a command is written): the store bounds each call itself;
 * - reconnection forever with capped, jittered backoff; node-redis re-sends SUBSCRIBE for every
 *   channel it holds before it reports the connection ready again (`resubscribe` in its socket
 *   initiator), so subscriptions come back by themselves;
 * - every 'error' event handled (an unhandled one would crash the process), logged once when an
 *   outage starts and once when it ends, not for every retry.
 */
import { createClient } from 'redis';
import type { Logger } from '../../core/ports';

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisConnectionOptions {
  /** redis:// or rediss:// */
  url: string;
  log?: Pick<Logger, 'warn' | 'info'>;
  /** How long one call may go unanswered before it rejects (the store applies it); default 5000. */
  commandTimeoutMs?: number;
  /** How long one connection attempt may take; default 3000. */
  connectTimeoutMs?: number;
  /** The longest wait between reconnection attempts; default 2000. */
  maxReconnectDelayMs?: number;
}

/** Doubling from 50 ms up to `max`, with jitter so many processes do not reconnect in step. */
export function reconnectDelay(retries: number, max: number): number {
  const base = Math.min(max, 50 * 2 ** Math.min(retries, 16));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

/** A one-line reason; some socket errors (AggregateError for `localhost`) carry no message. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.message) return err.message;
  const code = (err as { code?: string }).code;
  const inner = (err as { errors?: unknown[] }).errors?.[0];
  if (inner instanceof Error && inner.message) return inner.message;
  return code ?? (err.name === 'Error' ? err.constructor.name : err.name);
}

export class RedisConnections {
  readonly commands: RedisClient;
  readonly subscriber: RedisClient;
  /** The last connection error seen, for the start-up message. */
  lastError: string | null = null;
  private connected = false;
  private outage = false;
  private closed = false;
  private readonly log?: Pick<Logger, 'warn' | 'info'>;

  constructor(opts: RedisConnectionOptions) {
    this.log = opts.log;
    const max = opts.maxReconnectDelayMs ?? 2000;
    this.commands = createClient({
      url: opts.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: opts.connectTimeoutMs ?? 3000, reconnectStrategy: (retries) => reconnectDelay(retries, max) },
    });
    this.subscriber = this.commands.duplicate();
    for (const [client, role] of [[this.commands, 'commands'], [this.subscriber, 'subscriptions']] as const) {
      client.on('error', (err: unknown) => this.onError(err, role));
      client.on('ready', () => this.onReady());
    }
  }

  /** Resolves when both connections are ready; until then it keeps retrying (race it with a timeout). */
  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    this.connected = this.commands.isReady && this.subscriber.isReady;
  }

  get ready(): boolean {
    return this.commands.isReady && this.subscriber.isReady;
  }

  /** Never hangs: pending commands get a moment to finish, then the sockets are destroyed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const commands = this.commands;
    if (commands.isReady) {
      await Promise.race([commands.close(), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    for (const client of [commands, this.subscriber]) {
      try {
        if (client.isOpen) client.destroy();
      } catch {
        // Already closed between the check and the call: nothing left to do.
      }
    }
  }

  private onError(err: unknown, role: string): void {
    this.lastError = errorText(err);
    // Before the first connection the opener reports the failure itself, as one line.
    if (!this.connected || this.closed || this.outage) return;
    this.outage = true;
    this.log?.warn('redis unreachable; commands fail until it is back, reconnecting', { connection: role, error: this.lastError });
  }

  private onReady(): void {
    if (!this.outage || !this.ready) return;
    this.outage = false;
    this.log?.info('redis reachable again');
  }
}
