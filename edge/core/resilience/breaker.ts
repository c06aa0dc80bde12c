/**
 * A circuit breaker: after `failureThreshold` failures in a row the provider is left alone for
 * `cooldownMs` (calls fail at once, so fallbacks answer without waiting on timeouts); then one
 * trial call goes through (half-open) and its outcome closes or re-opens the circuit.
 * The clock is injected so tests move time instead of waiting.
 */
import type { Clock } from '../ports';
import { CircuitOpenError } from './errors';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  clock: Clock;
  onChange?(state: BreakerState, previous: BreakerState): void;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private opened = false;
  private trial = false;

  constructor(
    readonly name: string,
    private readonly o: BreakerOptions,
  ) {}

  get state(): BreakerState {
    if (!this.opened) return 'closed';
    return this.o.clock.now() - this.openedAt >= this.o.cooldownMs ? 'half-open' : 'open';
  }

  /**
   * Admits a call or throws `CircuitOpenError`. In half-open state only one trial is admitted
   * at a time; the caller must report its outcome with `success()` or `failure()`.
   */
  admit(): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half-open' && !this.trial) {
      this.trial = true;
      return;
    }
    const left = Math.max(0, this.o.cooldownMs - (this.o.clock.now() - this.openedAt));
    throw new CircuitOpenError(this.name, left || this.o.cooldownMs);
  }

  success(): void {
    const before = this.state;
    this.failures = 0;
    this.trial = false;
    this.opened = false;
    if (before !== 'closed') this.o.onChange?.('closed', before);
  }

  failure(): void {
    const before = this.state;
    this.failures++;
    const wasTrial = this.trial;
    this.trial = false;
    if (wasTrial || this.failures >= this.o.failureThreshold) {
      this.opened = true;
      this.openedAt = this.o.clock.now();
      if (before !== 'open') this.o.onChange?.('open', before);
    }
  }

  /** A call that ended without saying anything about the provider (the caller gave up). */
  release(): void {
    this.trial = false;
  }
}
