/**
 * An answer's pieces, sent as fewer `answer.delta` events: the first at once, then whatever
 * arrived within each short window together. Every event is a session-store append (a Redis
 * round trip in a cluster), a fan-out and a socket write; a model streams a token every 10–30
 * ms and the local answerer a whole answer within a few, so a window of 20 ms is not seen by
 * the visitor but cuts the events of a busy process several times.
 */
export const DELTA_WINDOW_MS = 20;

export class Deltas {
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sentAt = -Infinity;
  /** Sends stay in order; a failed one fails the next push or flush, which the turn awaits. */
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (text: string) => Promise<void>,
    private readonly now: () => number,
    private readonly windowMs = DELTA_WINDOW_MS,
  ) {}

  push(piece: string): Promise<void> {
    if (!piece) return this.sending;
    this.pending += piece;
    const since = this.now() - this.sentAt;
    if (since >= this.windowMs) return this.flush();
    // A stalled stream still shows what it has within one window.
    this.timer ??= setTimeout(() => void this.flush().catch(() => {}), this.windowMs - since);
    return this.sending;
  }

  /** Sends what waits now; resolves once everything pushed so far has been sent. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending) return this.sending;
    const text = this.pending;
    this.pending = '';
    this.sentAt = this.now();
    return (this.sending = this.sending.then(() => this.send(text)));
  }
}
