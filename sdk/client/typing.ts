import type { TypingFrame } from '@support-chat/protocol/frames';

/** While typing goes on, `{ active: true }` goes out at most this often (the server lapses it after TYPING_LAPSE_MS). */
export const TYPING_EVERY_MS = 3000;

/**
 * The visitor's typing signal to a person who holds the ticket: one `active: true` when typing
 * starts, repeated at most every TYPING_EVERY_MS while it goes on, and one `active: false` when
 * the input is cleared or the message is sent. Pure: the panel sends what it returns.
 */
export class TypingSignal {
  private last = -Infinity;
  private active = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** The input changed; `text` is what it holds now. */
  input(text: string): TypingFrame | null {
    if (!text.trim()) return this.stop();
    const now = this.now();
    if (this.active && now - this.last < TYPING_EVERY_MS) return null;
    this.active = true;
    this.last = now;
    return { type: 'typing', active: true };
  }

  /** Sent, cleared, or nobody listens any more: says so once if it had said it was typing. */
  stop(): TypingFrame | null {
    if (!this.active) return null;
    this.active = false;
    this.last = -Infinity;
    return { type: 'typing', active: false };
  }
}
