/**
 * What a socket does with frames it cannot take, asserted the same way against every runtime:
 * malformed or oversize frames, text Postgres cannot store, a message or a hello the stores
 * fail on. The socket and the server stay up, and the visitor is told with the error the widget
 * acts on. conversationSuite runs it beside the protocol's other tests.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, type ErrorCode, type ServerFrame } from '@support-chat/protocol';
import { TestSocket } from '../helpers/ws-client';
import { socketUrl, type ConversationTarget } from './target';

export function badFramesSuite(runtime: string, target: () => ConversationTarget): void {
  const ws = () => socketUrl(target());

  describe(`bad frames over a real WebSocket (${runtime})`, () => {
    it('answers bad frames with an error and keeps the socket and server up', async () => {
      const s = await TestSocket.open(ws());
      const cases: [unknown, string][] = [
        ['{not json', 'invalid_message'],
        ['[1,2]', 'invalid_message'],
        [{ type: 'launch-rockets' }, 'invalid_message'],
        [{ type: 'message', id: 'm' }, 'invalid_message'],
        [{ type: 'hello', v: 99 }, 'invalid_message'],
        [{ type: 'message', id: 'early', text: 'before hello' }, 'invalid_message'],
      ];
      for (const [frame, code] of cases) {
        const from = s.frames.length;
        s.send(frame);
        const err = await s.next('error', () => true, 5000, from);
        expect(err.code).toBe(code);
      }
      await s.hello();
      let from = s.frames.length;
      s.send({ type: 'message', id: 'big', text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) });
      expect((await s.next('error', () => true, 5000, from)).code).toBe('too_long');
      from = s.frames.length;
      s.ws.send(Buffer.from([1, 2, 3]));
      expect((await s.next('error', () => true, 5000, from)).code).toBe('invalid_message');
      from = s.frames.length;
      s.send({ type: 'ping' });
      await s.next('pong', () => true, 5000, from);
      const { end } = await s.ask('ok', 'Do you ship internationally?');
      expect(end.citations.length).toBeGreaterThan(0);
      expect(s.closed).toBeNull();
      s.close();
    });

    it('closes with 1009 on a frame over the limit in UTF-8 bytes, without reading it whole', async () => {
      // Fewer characters than the limit, more bytes: the limit is in bytes as sent.
      const euros = '€'.repeat(Math.ceil(MAX_FRAME_BYTES / 3) + 10);
      expect(euros.length).toBeLessThan(MAX_FRAME_BYTES);
      for (const frame of [JSON.stringify(euros), 'y'.repeat(MAX_FRAME_BYTES + 1), 'z'.repeat(4 * 1024 * 1024)]) {
        const s = await TestSocket.open(ws());
        await s.hello();
        s.send(frame);
        await expect(s.next('pong', () => true, 5000)).rejects.toThrow(/closed \(1009\)/);
      }
      // A frame just under the limit is read, and answered for what it is.
      const s = await TestSocket.open(ws());
      s.send('y'.repeat(MAX_FRAME_BYTES));
      expect((await s.next('error')).code).toBe('invalid_message');
      s.close();
    });

    it('answers a message holding a NUL character, the character dropped (Postgres text cannot hold it)', async () => {
      const s = await TestSocket.open(ws());
      await s.hello();
      const { end, text } = await s.ask('nul-text', 'How long do I have to \u0000return an item?');
      expect(text).not.toContain('\u0000');
      expect(end.citations.length).toBeGreaterThan(0);
      s.close();
    });

    it('answers each malformed frame with the same error, before and after hello (protocol fuzz)', async () => {
      const s = await TestSocket.open(ws());
      const expectReply = async (frame: unknown, reply: ServerFrame) => {
        const from = s.frames.length;
        if (frame instanceof Uint8Array) s.ws.send(frame);
        else s.send(frame);
        const got = await s.next(reply.type, () => true, 5000, from);
        expect(got).toEqual(reply);
      };
      const err = (code: ErrorCode, message: string, ref?: string): ServerFrame => ({ type: 'error', code, message, ...(ref ? { ref } : {}) });
      const malformed: [unknown, ServerFrame][] = [
        ['{not json', err('invalid_message', 'frame is not valid JSON')],
        ['', err('invalid_message', 'frame is not valid JSON')],
        ['null', err('invalid_message', 'frame must be a JSON object')],
        ['"hello"', err('invalid_message', 'frame must be a JSON object')],
        ['[{"type":"hello","v":1}]', err('invalid_message', 'frame must be a JSON object')],
        [{ id: 'no-type' }, err('invalid_message', 'frame has no "type"', 'no-type')],
        [{ type: 42 }, err('invalid_message', 'frame has no "type"')],
        [{ type: 'launch-rockets', id: 'r1' }, err('invalid_message', 'unknown frame type "launch-rockets"', 'r1')],
        [{ type: 'hello', v: 2 }, err('invalid_message', 'hello: "v" Invalid input: expected 1')],
        [{ type: 'message', id: 'blank', text: ' \n ' }, err('invalid_message', 'message: "text" is empty', 'blank')],
        [{ type: 'message', id: 'long', text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }, err('too_long', `message: "text" exceeds ${MAX_MESSAGE_CHARS} characters`, 'long')],
        [new Uint8Array([123, 125]), err('invalid_message', 'frames must be JSON text, not binary')],
      ];
      for (const [frame, reply] of malformed) await expectReply(frame, reply);
      // Well formed but too early: everything but hello and ping waits for a session.
      await expectReply({ type: 'message', id: 'early', text: 'before hello' }, err('invalid_message', 'send "hello" before "message"'));
      await expectReply({ type: 'feedback', answer: 'a_1', rating: 'up' }, err('invalid_message', 'send "hello" before "feedback"'));
      await expectReply({ type: 'handoff' }, err('invalid_message', 'send "hello" before "handoff"'));
      await expectReply({ type: 'ping' }, { type: 'pong' });
      await s.hello();
      for (const [frame, reply] of malformed) await expectReply(frame, reply);
      expect(s.closed).toBeNull();
      s.close();
    });

    it("answers a message the server failed to take with an error naming it (ref), so the widget sends it again", async () => {
      const s = await TestSocket.open(ws());
      await s.hello();
      // A NUL character cannot be stored in Postgres text: looking the message's id up fails, for real.
      const from = s.frames.length;
      s.send({ type: 'message', id: 'nul\u00001', text: 'where is my order' });
      const err = await s.next('error', () => true, 10_000, from);
      expect(err).toMatchObject({ code: 'unavailable', ref: 'nul\u00001' });
      expect(s.frames.slice(from).some((f) => f.type === 'ack')).toBe(false);
      // The socket and its session carry on.
      const { end } = await s.ask('after-nul', 'Do you ship internationally?');
      expect(end.citations.length).toBeGreaterThan(0);
      s.close();
    });

    it('closes with 1013 (try again) when hello fails, after saying so', async () => {
      const s = await TestSocket.open(ws());
      // The session is looked up in Postgres, which refuses a NUL character: hello fails, for real.
      s.send({ type: 'hello', v: 1, session: 's_\u0000' });
      const err = await s.next('error');
      expect(err).toEqual({ type: 'error', code: 'unavailable', message: 'the server could not handle that just now; please retry' });
      await expect(s.next('pong', () => true, 5000)).rejects.toThrow(/closed \(1013\)/);
      expect(s.closed?.code).toBe(1013);
      // A new socket's hello works: the client reconnects with backoff and says hello again.
      const again = await TestSocket.open(ws());
      expect((await again.hello()).session).toMatch(/^s_/);
      again.close();
    });
  });
}
