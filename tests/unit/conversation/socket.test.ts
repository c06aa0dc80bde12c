/**
 * The one socket handler both runtimes wire their sockets to (edge/conversation/socket.ts),
 * with a recording socket and a chat service whose store fails on cue.
 */
import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '@support-chat/protocol';
import { openSocket, type SocketHandle, type SocketState } from '../../../edge/conversation/socket';
import type { Peer } from '../../../edge/conversation/connection';
import { silentLogger } from '../../../edge/ops/logger';

function recorder() {
  const sent: unknown[] = [];
  const closed: { code: number; reason: string }[] = [];
  let open = true;
  const handle: SocketHandle = {
    send: (text) => sent.push(JSON.parse(text)),
    close: (code, reason) => {
      closed.push({ code, reason });
      open = false;
    },
    isOpen: () => open,
  };
  return { handle, sent, closed };
}

function chat(fail: (frame: ClientFrame) => boolean, order: string[] = []) {
  return {
    isDraining: false,
    detach: () => {},
    async handle(peer: Peer, frame: ClientFrame) {
      order.push(frame.type === 'message' ? frame.id : frame.type);
      await new Promise((r) => setTimeout(r, frame.type === 'hello' ? 20 : 1));
      if (fail(frame)) throw new Error('the store is down');
      if (frame.type === 'hello') peer.session = 's_1';
      peer.conn.send({ type: 'pong' });
    },
  };
}

const site = { ok: true as const, site: { id: 'demo', name: 'Demo', allowedOrigins: [] } };

describe('the conversation socket (one handler for Node and the Durable Object)', () => {
  it('handles frames in order, and keeps the state a hibernating runtime must store', async () => {
    const { handle } = recorder();
    const order: string[] = [];
    const states: SocketState[] = [];
    const socket = openSocket(handle, site, 'c_1', { chat: chat(() => false, order), log: silentLogger, onState: (s) => states.push(s) })!;
    void socket.receive(JSON.stringify({ type: 'hello', v: 1 }));
    await socket.receive(JSON.stringify({ type: 'message', id: 'm1', text: 'hi' }));
    expect(order).toEqual(['hello', 'm1']);
    expect(states).toEqual([{ conn: 'c_1', site: 'demo', session: 's_1', locale: undefined }]);
  });

  it("answers a failed message with an error naming it (ref), and a failed hello with 1013", async () => {
    const { handle, sent, closed } = recorder();
    const errors: string[] = [];
    const socket = openSocket(handle, site, 'c_1', { chat: chat((f) => f.type === 'message' || (f.type === 'hello' && f.session === 'bad')), log: silentLogger, onError: (_e, f) => errors.push(f.type) })!;
    await socket.receive(JSON.stringify({ type: 'hello', v: 1 }));
    await socket.receive(JSON.stringify({ type: 'message', id: 'm1', text: 'hi' }));
    expect(sent.at(-1)).toEqual({ type: 'error', code: 'unavailable', message: 'the server could not handle that just now; please retry', ref: 'm1' });
    expect(closed).toEqual([]);
    await socket.receive(JSON.stringify({ type: 'hello', v: 1, session: 'bad' }));
    expect(closed).toEqual([{ code: 1013, reason: 'try again later' }]);
    expect(errors).toEqual(['message', 'hello']);
  });

  it('refuses binary and malformed frames at once, and sites it may not serve with 4404 / 4403', async () => {
    const { handle, sent } = recorder();
    const socket = openSocket(handle, site, 'c_1', { chat: chat(() => false), log: silentLogger })!;
    await socket.receive(new Uint8Array([1, 2]));
    await socket.receive('{nope');
    expect(sent).toEqual([
      { type: 'error', code: 'invalid_message', message: 'frames must be JSON text, not binary' },
      { type: 'error', code: 'invalid_message', message: 'frame is not valid JSON' },
    ]);
    for (const [code, close, status] of [['unknown_site', 4404, 404], ['forbidden_origin', 4403, 403]] as const) {
      const r = recorder();
      expect(openSocket(r.handle, { ok: false, code, message: 'no', status }, 'c_2', { chat: chat(() => false), log: silentLogger })).toBeNull();
      expect(r.sent).toEqual([{ type: 'error', code, message: 'no' }]);
      expect(r.closed[0].code).toBe(close);
    }
    const draining = recorder();
    expect(openSocket(draining.handle, site, 'c_3', { chat: { ...chat(() => false), isDraining: true }, log: silentLogger })).toBeNull();
    expect(draining.closed[0].code).toBe(1012);
  });
});
