import type { Logger } from '../core/ports';

/**
 * In-process pub/sub shared by the session stores. Each subscriber gets its own copy of the
 * message (parsed from the JSON sent), and one that throws is logged, never breaking the others.
 */
export class LocalChannels {
  private readonly channels = new Map<string, Set<(message: unknown) => void>>();

  constructor(private readonly log?: Pick<Logger, 'warn'>) {}

  deliver(channel: string, payload: string): void {
    const subscribers = this.channels.get(channel);
    if (!subscribers) return;
    for (const fn of [...subscribers]) {
      try {
        fn(JSON.parse(payload));
      } catch (err) {
        this.log?.warn('session store subscriber failed', { channel, error: String(err) });
      }
    }
  }

  subscribe(channel: string, fn: (message: unknown) => void): () => void {
    let subscribers = this.channels.get(channel);
    if (!subscribers) this.channels.set(channel, (subscribers = new Set()));
    // Wrapped so the same function subscribed twice gets two independent subscriptions.
    const entry = (message: unknown) => fn(message);
    subscribers.add(entry);
    return () => {
      subscribers.delete(entry);
      if (subscribers.size === 0 && this.channels.get(channel) === subscribers) this.channels.delete(channel);
    };
  }

  /** Whether anyone here still listens: a store drops its server-side subscription when not. */
  has(channel: string): boolean {
    return this.channels.has(channel);
  }

  get size(): number {
    return this.channels.size;
  }
}

/**
 * A subscriber on a channel that another server carries (Redis, Upstash): registered here at
 * once, and resolved once `listen` has the server's confirmation, so nothing published after
 * it resolves is missed. `leave` runs on unsubscribe and on a failed listen.
 */
export async function subscribeRemote(
  local: LocalChannels,
  name: string,
  fn: (message: unknown) => void,
  listen: (name: string) => Promise<void>,
  leave: (name: string, off: () => void) => void,
): Promise<() => void> {
  const off = local.subscribe(name, fn);
  try {
    await listen(name);
  } catch (err) {
    leave(name, off);
    throw err;
  }
  let left = false;
  return () => {
    if (left) return;
    left = true;
    leave(name, off);
  };
}
