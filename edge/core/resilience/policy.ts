/**
 * One remote service's resilience (a cloud provider, or a store such as Qdrant; hence here,
 * below both): every call gets a time budget, retries with jitter on 429, 5xx,
 * network errors and timeouts (honouring Retry-After), and goes through the provider's circuit
 * breaker. The SDKs' own retries are switched off where the clients are built, so this is the
 * only policy in force. Every failure is logged with the provider and the stage.
 */
import type { Metrics } from '../metrics';
import { inSpan } from '../tracing';
import type { Clock, Logger } from '../ports';
import { CircuitBreaker, type BreakerState } from './breaker';
import { classify, describeError, isAbort } from './errors';
import { withRetry } from './retry';
import { withTimeout } from './timeout';

export interface CallTuning {
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After worth waiting for; a longer one fails the call at once. */
  maxRetryAfterMs: number;
}

export interface PolicySettings extends CallTuning {
  /** Failures in a row that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one trial. */
  cooldownMs: number;
}

export interface PolicyDeps {
  clock: Clock;
  log: Logger;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  metrics?: Metrics;
}

export const DEFAULT_POLICY: PolicySettings = {
  timeoutMs: 10_000,
  retries: 2,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 5_000,
  failureThreshold: 5,
  cooldownMs: 30_000,
};

export class ResiliencePolicy {
  readonly breaker: CircuitBreaker;
  private readonly o: PolicySettings;

  constructor(
    readonly provider: string,
    settings: Partial<PolicySettings>,
    private readonly d: PolicyDeps,
  ) {
    this.o = { ...DEFAULT_POLICY, ...settings };
    this.breaker = new CircuitBreaker(provider, {
      failureThreshold: this.o.failureThreshold,
      cooldownMs: this.o.cooldownMs,
      clock: d.clock,
      onChange: (state, previous) => this.onBreaker(state, previous),
    });
  }

  /**
   * Runs `fn` under the policy; `fn` must pass the signal to its request. With `streaming`, a
   * returned call is not yet a success: the caller reports how its stream ended
   * (`succeeded()` / `failed()`), so a provider that cuts every stream still trips the breaker.
   */
  async run<T>(
    stage: string,
    fn: (signal: AbortSignal) => Promise<T>,
    call: { signal?: AbortSignal; tuning?: Partial<CallTuning>; streaming?: boolean } = {},
  ): Promise<T> {
    return inSpan(`${this.provider} ${stage}`, { 'support_chat.provider': this.provider, 'support_chat.stage': stage }, () => this.attempt(stage, fn, call));
  }

  private async attempt<T>(stage: string, fn: (signal: AbortSignal) => Promise<T>, call: { signal?: AbortSignal; tuning?: Partial<CallTuning>; streaming?: boolean }): Promise<T> {
    const t = { ...this.o, ...call.tuning };
    this.breaker.admit();
    try {
      const result = await withRetry(() => withTimeout(fn, t.timeoutMs, { provider: this.provider, stage }, call.signal), {
        ...t,
        random: this.d.random,
        sleep: this.d.sleep,
        now: () => this.d.clock.now(),
      }, {
        signal: call.signal,
        onRetry: (err, f, attempt, delayMs) => {
          this.d.metrics?.inc('support_chat_provider_retries_total', { provider: this.provider, stage });
          this.d.log.warn(`${this.provider} ${stage} failed; retrying`, { provider: this.provider, stage, attempt, delayMs, ...(f.status ? { status: f.status } : {}), error: describeError(err) });
        },
      });
      if (!call.streaming) this.succeeded(stage);
      return result;
    } catch (err) {
      this.settle(stage, err, call.signal);
      throw err;
    }
  }

  /** A (streaming) call's stream ended well. */
  succeeded(stage = 'llm'): void {
    this.breaker.success();
    this.d.metrics?.inc('support_chat_provider_calls_total', { provider: this.provider, stage, outcome: 'ok' });
  }

  /** A streaming call's reader stopped early (the visitor left): it says nothing about the provider. */
  abandoned(): void {
    this.breaker.release();
  }

  /** For what fails after the call itself returned, such as a stream cut half-way. */
  failed(stage: string, err: unknown, signal?: AbortSignal): void {
    this.settle(stage, err, signal);
  }

  private settle(stage: string, err: unknown, signal?: AbortSignal): void {
    if (isAbort(err, signal)) return this.breaker.release();
    this.d.metrics?.inc('support_chat_provider_calls_total', { provider: this.provider, stage, outcome: 'error' });
    const f = classify(err);
    // A 400 about this one request says the provider is up.
    if (f.unhealthy) this.breaker.failure();
    else this.breaker.success();
    this.d.log.warn(`${this.provider} ${stage} failed`, { provider: this.provider, stage, ...(f.status ? { status: f.status } : {}), error: describeError(err) });
  }

  private onBreaker(state: BreakerState, previous: BreakerState): void {
    this.d.metrics?.set('support_chat_breaker_open', { provider: this.provider }, state === 'open' ? 1 : 0);
    if (state === 'open') {
      this.d.log.error(`${this.provider}: circuit open after repeated failures; fallbacks serve for ${Math.round(this.o.cooldownMs / 1000)} s`, {
        provider: this.provider,
        from: previous,
      });
    } else if (state === 'closed') this.d.log.info(`${this.provider}: circuit closed, the provider answers again`, { provider: this.provider });
  }
}
