import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, parseClientFrame } from '@support-chat/protocol';

/** Golden frames: what a v1 client sends and how the server reads it. Changing one is a protocol change. */
describe('protocol v1: client frames', () => {
  it.each([
    ['{"type":"hello","v":1}', { type: 'hello', v: 1 }],
    ['{"type":"hello","v":1,"session":"s_abc","after":12,"locale":"es"}', { type: 'hello', v: 1, session: 's_abc', after: 12, locale: 'es' }],
    ['{"type":"message","id":"m1","text":"Where is my order?"}', { type: 'message', id: 'm1', text: 'Where is my order?' }],
    ['{"type":"feedback","answer":"a_1","rating":"down","comment":"wrong"}', { type: 'feedback', answer: 'a_1', rating: 'down', comment: 'wrong' }],
    ['{"type":"handoff"}', { type: 'handoff' }],
    ['{"type":"ping"}', { type: 'ping' }],
  ])('accepts %s', (raw, frame) => {
    expect(parseClientFrame(raw)).toEqual({ ok: true, frame });
  });

  it.each([
    ['not json', 'invalid_message', /not valid JSON/],
    ['"a string"', 'invalid_message', /JSON object/],
    ['{"v":1}', 'invalid_message', /no "type"/],
    ['{"type":"shout"}', 'invalid_message', /unknown frame type "shout"/],
    ['{"type":"hello","v":2}', 'invalid_message', /"v"/],
    ['{"type":"hello","v":1,"after":-1}', 'invalid_message', /"after"/],
    ['{"type":"message","id":"m1"}', 'invalid_message', /"text"/],
    ['{"type":"message","text":"hi"}', 'invalid_message', /"id"/],
    ['{"type":"message","id":"m1","text":"  "}', 'invalid_message', /empty/],
    ['{"type":"feedback","answer":"a","rating":"meh"}', 'invalid_message', /"rating"/],
    [JSON.stringify({ type: 'message', id: 'm1', text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }), 'too_long', /characters/],
    ['x'.repeat(MAX_FRAME_BYTES + 1), 'too_long', /bytes/],
  ])('refuses %s', (raw, code, message) => {
    const r = parseClientFrame(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message).toMatch(message);
    }
  });

  it('drops NUL characters from what people write (Postgres text cannot hold them), and a message of nothing else is empty', () => {
    expect(parseClientFrame(JSON.stringify({ type: 'message', id: 'm1', text: 'where\u0000 is it' }))).toEqual({ ok: true, frame: { type: 'message', id: 'm1', text: 'where is it' } });
    expect(parseClientFrame(JSON.stringify({ type: 'handoff', reason: 'a\u0000b' }))).toEqual({ ok: true, frame: { type: 'handoff', reason: 'ab' } });
    expect(parseClientFrame(JSON.stringify({ type: 'message', id: 'm2', text: '\u0000 ' }))).toMatchObject({ ok: false, error: { code: 'invalid_message', ref: 'm2' } });
  });

  it('points an error at the message it is about', () => {
    const r = parseClientFrame('{"type":"message","id":"m9","text":""}');
    expect(!r.ok && r.error.ref).toBe('m9');
  });
});
