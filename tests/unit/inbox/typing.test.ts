/**
 * Typing in the inbox (sdk/inbox/typing.ts): the agent's signal goes out at most every 3 s
 * while the reply box changes, and stops once; the visitor's lapses by itself.
 */
import { describe, expect, it } from 'vitest';
import { TypingSignal, TYPING_EVERY_MS, VisitorTyping } from '../../../sdk/inbox/typing';
import { TYPING_LAPSE_MS } from '@support-chat/protocol/frames';

describe('inbox typing', () => {
  it('the agent typing: one signal, repeated every 3 s at most, one stop', () => {
    let now = 0;
    const t = new TypingSignal(() => now);
    expect(TYPING_EVERY_MS).toBe(3000);
    expect(t.input('H')).toEqual({ type: 'typing', active: true });
    now = 1000;
    expect(t.input('He')).toBeNull();
    now = 2999;
    expect(t.input('Hel')).toBeNull();
    now = 3000;
    expect(t.input('Hell')).toEqual({ type: 'typing', active: true });
    expect(t.input('  ')).toEqual({ type: 'typing', active: false });
    expect(t.stop()).toBeNull();
    now = 3100;
    expect(t.input('again')).toEqual({ type: 'typing', active: true });
    expect(t.stop()).toEqual({ type: 'typing', active: false });
  });

  it('the visitor typing lapses after TYPING_LAPSE_MS unless repeated, and ends with their message', () => {
    let now = 0;
    const v = new VisitorTyping(() => now);
    expect(v.signal(true)).toBe(TYPING_LAPSE_MS);
    now = TYPING_LAPSE_MS - 1;
    expect(v.active).toBe(true);
    v.signal(true);
    now += TYPING_LAPSE_MS - 1;
    expect(v.active).toBe(true);
    now += 1;
    expect(v.active).toBe(false);
    v.signal(true);
    v.stop();
    expect(v.active).toBe(false);
    expect(v.signal(false)).toBeNull();
  });
});
