import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { batcherOf } from '../../../edge/http/ws';

/** A real loopback TCP pair: what arrives, chunk by chunk, on the far side. */
async function pair(): Promise<{ near: Socket; chunks: string[]; close(): void }> {
  const chunks: string[] = [];
  const server = createServer((far) => far.on('data', (d) => chunks.push(String(d))));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const near = connect((server.address() as { port: number }).port, '127.0.0.1');
  await once(near, 'connect');
  return { near, chunks, close: () => (near.destroy(), server.close()) };
}

const settled = async (chunks: string[], text: string) => {
  for (let i = 0; i < 200 && chunks.join('') !== text; i++) await new Promise((r) => setTimeout(r, 5));
};

describe('frames of one event-loop turn', () => {
  it('leave in one write, and every frame arrives in order', async () => {
    const { near, chunks, close } = await pair();
    try {
      const batch = batcherOf({ _socket: near })!;
      for (const f of ['ack;', 'start;', 'delta;']) {
        batch();
        near.write(f);
      }
      // Held in this turn (without the batch, each write goes to the kernel at once)...
      expect([near.writableCorked, near.writableLength]).toEqual([1, 'ack;start;delta;'.length]);
      // ...and written together once the turn is over.
      await settled(chunks, 'ack;start;delta;');
      expect(chunks).toEqual(['ack;start;delta;']);
      // The next turn's frames are a write of their own, not held back.
      await new Promise((r) => setImmediate(r));
      batch();
      near.write('end;');
      await settled(chunks, 'ack;start;delta;end;');
      expect(chunks).toEqual(['ack;start;delta;', 'end;']);
    } finally {
      close();
    }
  });

  it('is nothing to do where the runtime gives no Node socket', () => {
    expect(batcherOf(undefined)).toBeNull();
    expect(batcherOf({ send() {} })).toBeNull();
  });
});
