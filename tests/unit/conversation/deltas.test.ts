/**
 * An answer's pieces as fewer delta events (edge/conversation/deltas.ts): the first at once,
 * then what arrives within a window together, nothing lost, in order, and a failed send told.
 */
import { describe, expect, it } from 'vitest';
import { Deltas } from '../../../edge/conversation/deltas';

function harness(windowMs = 20) {
  let now = 0;
  const sent: string[] = [];
  const deltas = new Deltas(async (t) => void sent.push(t), () => now, windowMs);
  return { deltas, sent, at: (ms: number) => (now = ms) };
}

describe('answer deltas', () => {
  it('sends the first piece at once and what comes within the window together', async () => {
    const { deltas, sent, at } = harness();
    await deltas.push('Standard ');
    expect(sent).toEqual(['Standard ']);
    at(5);
    await deltas.push('shipping ');
    at(9);
    await deltas.push('takes ');
    expect(sent).toEqual(['Standard ']);
    at(25);
    await deltas.push('3–5 days.');
    expect(sent).toEqual(['Standard ', 'shipping takes 3–5 days.']);
    await deltas.flush();
    expect(sent.join('')).toBe('Standard shipping takes 3–5 days.');
  });

  it('a stream that stalls still shows what it has after one window', async () => {
    const { deltas, sent, at } = harness(15);
    await deltas.push('a ');
    at(1);
    await deltas.push('b ');
    expect(sent).toEqual(['a ']);
    await new Promise((r) => setTimeout(r, 40));
    expect(sent).toEqual(['a ', 'b ']);
  });

  it('flush sends what waits and resolves once everything pushed was sent', async () => {
    const sent: string[] = [];
    const deltas = new Deltas(async (t) => {
      await new Promise((r) => setTimeout(r, 5));
      sent.push(t);
    }, () => 0);
    void deltas.push('one ');
    void deltas.push('two ');
    void deltas.push('three');
    await deltas.flush();
    expect(sent).toEqual(['one ', 'two three']);
    await deltas.flush();
    expect(sent).toHaveLength(2);
  });

  it('a send that fails is told by the next push or flush', async () => {
    let fail = true;
    const deltas = new Deltas(async () => {
      if (fail) throw new Error('store down');
    }, () => 0);
    await expect(deltas.push('x')).rejects.toThrow('store down');
    fail = false;
    void deltas.push('y').catch(() => {});
    await expect(deltas.flush()).rejects.toThrow('store down');
  });
});
