/**
 * Typing, both ways. Out: the agent's `{ type: 'typing', active }`, at most one `true` every
 * TYPING_EVERY_MS while the reply box changes and one `false` when it empties or is sent
 * (the widget's own TypingSignal, the same rule). In: the visitor's signal, which lapses by
 * itself TYPING_LAPSE_MS after the last `true` unless repeated.
 */
import { TYPING_LAPSE_MS } from '../client/limits';

export { TypingSignal, TYPING_EVERY_MS } from '../client/typing';

export class VisitorTyping {
  private until = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A `typing` frame from the visitor; returns when to look again (ms), or null when it stopped. */
  signal(active: boolean): number | null {
    this.until = active ? this.now() + TYPING_LAPSE_MS : 0;
    return active ? TYPING_LAPSE_MS : null;
  }

  /** The visitor's message arrived: their typing ended with it. */
  stop(): void {
    this.until = 0;
  }

  get active(): boolean {
    return this.now() < this.until;
  }
}
