/**
 * The WebSocket-to-TCP proxy Neon runs in its cloud, small enough for the local Worker and the
 * tests: the Neon driver opens `ws://127.0.0.1:PORT/v2?address=host:port` and speaks the
 * Postgres wire protocol through it. Bytes that arrive before the TCP side connects are buffered, not dropped.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData } from 'ws';

export interface WsProxy {
  port: number;
  /** For the Neon driver's `wsProxy` option (without the scheme). */
  address: string;
  stop(): Promise<void>;
}

export async function startWsProxy(): Promise<WsProxy> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const sockets = new Set<Socket>();
  wss.on('connection', (ws, req) => {
    const target = new URL(req.url ?? '/', 'http://proxy').searchParams.get('address') ?? '';
    const m = /^(.+):(\d+)$/.exec(target);
    if (!m) return ws.close(1008, 'address=host:port required');
    const tcp = connect(Number(m[2]), m[1]);
    sockets.add(tcp);
    let pending: Buffer[] | null = [];
    ws.on('message', (data: RawData) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (pending) pending.push(buf);
      else tcp.write(buf);
    });
    tcp.on('connect', () => {
      for (const buf of pending ?? []) tcp.write(buf);
      pending = null;
    });
    tcp.on('data', (buf) => ws.readyState === ws.OPEN && ws.send(buf));
    tcp.on('close', () => {
      sockets.delete(tcp);
      ws.close();
    });
    tcp.on('error', () => ws.close(1011, 'upstream error'));
    ws.on('close', () => tcp.destroy());
    ws.on('error', () => tcp.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    port,
    address: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
