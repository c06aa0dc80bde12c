/**
 * One Postgres conversation at a time, in front of pglite-socket. PGlite has a single session
 * for every client, and pglite-socket queues client messages one by one: two clients using
 * the extended protocol (Parse, Bind, Execute, Sync) at once interleave, and one's Bind meets
 * the other's statement ("unnamed prepared statement does not exist", measured with eight
 * Neon pools in parallel). A real Postgres (Neon) gives each connection its own session.
 *
 * This TCP gate lets one client at a time talk, from its first message until the server is
 * ready for a query again outside a transaction (ReadyForQuery status 'I'), so a transaction
 * also stays whole. For local runs and tests only.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface PgGate {
  port: number;
  stop(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const PROTOCOL_3 = 196608;

export async function startPgGate(upstreamPort: number, host = '127.0.0.1'): Promise<PgGate> {
  let holder: object | null = null;
  const waiting: { who: object; grant: () => void }[] = [];
  const acquire = (who: object): Promise<void> => {
    if (holder === who) return Promise.resolve();
    if (holder === null) {
      holder = who;
      return Promise.resolve();
    }
    return new Promise((grant) => waiting.push({ who, grant }));
  };
  const release = (who: object) => {
    if (holder !== who) return;
    const next = waiting.shift();
    holder = next?.who ?? null;
    next?.grant();
  };
  /** A client that hung up gives up its turn, and its place in the line. */
  const leave = (who: object) => {
    for (let i = waiting.length - 1; i >= 0; i--) if (waiting[i].who === who) waiting.splice(i, 1);
    release(who);
  };

  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const me = {};
    const upstream = connect(upstreamPort, host);
    sockets.add(client).add(upstream);
    // Messages go one by one: without this, Nagle and delayed ACKs add ~40 ms to each.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let started = false;
    let sslPending = false;
    /** Replies still owed: one ReadyForQuery per Sync, simple Query and the startup. */
    let owed = 0;
    let inbound = Buffer.alloc(0);
    let outbound = Buffer.alloc(0);
    let chain = Promise.resolve();

    client.on('data', (data) => {
      inbound = Buffer.concat([inbound, data]);
      for (;;) {
        let len: number;
        let expects = 0;
        if (!started) {
          if (inbound.length < 8) break;
          len = inbound.readInt32BE(0);
          const code = inbound.readInt32BE(4);
          if (code === SSL_REQUEST) sslPending = true;
          else if (code === PROTOCOL_3) (started = true), (expects = 1);
        } else {
          if (inbound.length < 5) break;
          len = 1 + inbound.readInt32BE(1);
          const type = String.fromCharCode(inbound[0]);
          if (type === 'S' || type === 'Q') expects = 1;
        }
        if (inbound.length < len) break;
        const message = inbound.subarray(0, len);
        inbound = inbound.subarray(len);
        if (started && message[0] === 0x58 /* X */) {
          // Terminate: Postgres hangs up, pglite-socket does not. A client that said goodbye
          // (a pool dropping a connection after an error) would otherwise take its turn and
          // keep it, waiting for a close that never comes, and every other client would wait.
          chain = chain.then(() => end());
          continue;
        }
        chain = chain.then(async () => {
          if (closed) return;
          await acquire(me);
          if (closed) return leave(me);
          owed += expects;
          upstream.write(message);
        });
      }
    });

    upstream.on('data', (data) => {
      client.write(data);
      outbound = Buffer.concat([outbound, data]);
      if (sslPending && outbound.length >= 1) {
        sslPending = false;
        outbound = outbound.subarray(1); // 'N': no TLS here
      }
      while (outbound.length >= 5) {
        const len = 1 + outbound.readInt32BE(1);
        if (outbound.length < len) break;
        if (outbound[0] === 0x5a /* Z */) {
          owed = Math.max(0, owed - 1);
          if (owed === 0 && outbound[5] === 0x49 /* I */) release(me);
        }
        outbound = outbound.subarray(len);
      }
    });

    let closed = false;
    const end = () => {
      closed = true;
      leave(me);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
