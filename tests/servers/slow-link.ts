/**
 * A TCP link with latency in front of a loopback server: bytes a client sends reach the server
 * only if the client is still connected `delayMs` later, as with a distant server when the
 * sending process dies before its request is through. For tests that a process waits for its
 * error reports before it exits (on loopback a request is through before anyone could tell).
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface SlowLink {
  port: number;
  /** Connections whose client went away before the delay was over: their bytes never arrived. */
  dropped(): number;
  forwarded(): number;
  stop(): Promise<void>;
}

export async function startSlowLink(targetPort: number, delayMs: number): Promise<SlowLink> {
  let dropped = 0;
  let forwarded = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    const early: Buffer[] = [];
    let gone = false;
    const onData = (d: Buffer) => early.push(d);
    client.on('data', onData);
    client.on('end', () => (gone = true));
    client.on('close', () => {
      gone = true;
      open.delete(client);
    });
    client.on('error', () => {});
    setTimeout(() => {
      if (gone) {
        dropped++;
        client.destroy();
        return;
      }
      forwarded++;
      const upstream = connect(targetPort, '127.0.0.1');
      open.add(upstream);
      upstream.on('close', () => open.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.off('data', onData);
      for (const d of early) upstream.write(d);
      client.pipe(upstream);
      upstream.pipe(client);
    }, delayMs);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    port: (server.address() as AddressInfo).port,
    dropped: () => dropped,
    forwarded: () => forwarded,
    stop: () =>
      new Promise<void>((ok) => {
        for (const s of open) s.destroy();
        server.close(() => ok());
      }),
  };
}
