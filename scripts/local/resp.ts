/**
 * A small Redis (RESP2) client over one TCP connection, for the Upstash bridge. Replies come
 * back in the order commands were written, so a FIFO of waiters pairs them up; a batch is
 * written in one go, which keeps a MULTI … EXEC from interleaving with other requests.
 */
import { connect, type Socket } from 'node:net';

/** A Redis error reply, kept as a value so a pipeline can hold it beside results. */
export class RespError {
  constructor(readonly message: string) {}
}
/** Status and bulk replies both arrive as strings, as the Upstash REST API returns them. */
export type RespValue = string | number | null | RespError | RespValue[];

type Waiter = { resolve: (v: RespValue) => void; reject: (e: Error) => void };

export class RespConnection {
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiters: Waiter[] = [];
  private closed: Error | null = null;
  /** Replies nobody asked for: messages pushed to a connection in SUBSCRIBE mode. */
  onPush: ((value: RespValue) => void) | null = null;
  /** Called once when the connection ends, by either side. */
  onClose: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (err: Error) => {
      this.closed ??= err;
      for (const w of this.waiters.splice(0)) w.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => {
      fail(new Error('redis connection closed'));
      this.onClose?.();
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RespConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends the commands in one write; resolves with one reply per command, errors included. */
  send(commands: (string | number)[][]): Promise<RespValue[]> {
    if (this.closed) return Promise.reject(this.closed);
    let out = '';
    const replies = commands.map(
      (cmd) =>
        new Promise<RespValue>((resolve, reject) => {
          out += `*${cmd.length}\r\n`;
          for (const arg of cmd) {
            const s = String(arg);
            out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
          }
          this.waiters.push({ resolve, reject });
        }),
    );
    this.socket.write(out);
    return Promise.all(replies);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const parsed = parse(this.buf, 0);
      if (!parsed) return;
      this.buf = this.buf.subarray(parsed.end);
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(parsed.value);
      else this.onPush?.(parsed.value);
    }
  }
}

/** One reply starting at `at`, or null when the buffer does not hold all of it yet. */
function parse(buf: Buffer, at: number): { value: RespValue; end: number } | null {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at])) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, pos);
        if (!item) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`unexpected RESP type byte ${buf[at]}`);
  }
}
