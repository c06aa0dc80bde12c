import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { AlsContextManager } from '../../../edge/ops/tracing/als-context';

const KEY = createContextKey('test');

describe('AlsContextManager (the traces’ context on Node and Workers)', () => {
  it('keeps the context across awaits inside with(), and restores the outer one after', async () => {
    const m = new AlsContextManager().enable();
    const inner = ROOT_CONTEXT.setValue(KEY, 'answer');
    expect(m.active()).toBe(ROOT_CONTEXT);
    const seen = await m.with(inner, async (a: number, b: number) => {
      await new Promise((r) => setTimeout(r, 5));
      await Promise.resolve();
      return [m.active().getValue(KEY), a + b];
    }, undefined, 2, 3);
    expect(seen).toEqual(['answer', 5]);
    expect(m.active()).toBe(ROOT_CONTEXT);
    m.disable();
  });

  it('bind() runs a function in the given context wherever it is called, with its this and arguments', () => {
    const m = new AlsContextManager().enable();
    const ctx = ROOT_CONTEXT.setValue(KEY, 'bound');
    const bound = m.bind(ctx, function (this: { n: number }, x: number) {
      return `${String(m.active().getValue(KEY))}:${this.n + x}`;
    });
    expect(bound.call({ n: 1 }, 2)).toBe('bound:3');
    expect(m.bind(ctx, 42)).toBe(42);
    m.disable();
  });
});
