/**
 * The Upstash REST protocol in front of a real redis-server, so `@upstash/redis` runs unchanged
 * on this machine, for `npm run dev:worker` and the tests (Node or workerd): `POST /` with a
 * JSON command array answers `{result}` (or `{error}` with HTTP 400); `POST /pipeline` and
 * `POST /multi-exec` take an array of commands and answer an array of `{result}`/`{error}`.
 * `Authorization: Bearer <token>` is required. With `Upstash-Encoding: base64` every string in
 * a result is base64, at any depth; integers and null are left alone. Hashes come back as flat
 * `[field, value, …]` arrays (RESP2 does that).
 *
 * `POST /subscribe/<channel>` streams as @upstash/redis's `subscribe` reads it: server-sent
 * events, `data: subscribe,<channel>,<count>` once Redis confirmed, then one
 * `data: message,<channel>,<payload>` per message (never base64). Each stream has its own Redis
 * connection in SUBSCRIBE mode; it ends when the client aborts or Redis goes away.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RespConnection, RespError, type RespValue } from './resp';

export interface UpstashBridge {
  url: string;
  token: string;
  /** HTTP requests served, by path: for tests that count round trips. */
  requests: { path: string; commands: number }[];
  stop(): Promise<void>;
}

type Command = (string | number)[];
type Reply = { result: unknown } | { error: string };

export async function startUpstashBridge(redisPort: number, token = 'test-token'): Promise<UpstashBridge> {
  const redis = await RespConnection.open(redisPort);
  const requests: UpstashBridge['requests'] = [];
  const streams = new Set<RespConnection>();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, { error: `bridge: ${err.message}` }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'Unauthorized' });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    const path = new URL(req.url ?? '/', 'http://bridge').pathname.replace(/\/+$/, '') || '/';
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: 'ERR the body must be JSON' });
    }
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const encode = (r: Reply): Reply => ('result' in r && base64 ? { result: toBase64(r.result) } : r);

    if (path.startsWith('/subscribe/')) {
      requests.push({ path: '/subscribe', commands: 1 });
      return subscribe(decodeURIComponent(path.slice('/subscribe/'.length)), res);
    }
    if (path === '/') {
      if (!isCommand(body)) return send(res, 400, { error: 'ERR the body must be a command array' });
      requests.push({ path, commands: 1 });
      const reply = toReply((await redis.send([body]))[0]);
      return send(res, 'error' in reply ? 400 : 200, encode(reply));
    }
    if (path === '/pipeline' || path === '/multi-exec') {
      if (!Array.isArray(body) || body.length === 0 || !body.every(isCommand)) {
        return send(res, 400, { error: 'ERR the body must be a non-empty array of command arrays' });
      }
      requests.push({ path, commands: body.length });
      if (path === '/pipeline') return send(res, 200, (await redis.send(body)).map((v) => encode(toReply(v))));
      // MULTI, the commands, EXEC in one write: nothing else can slip into the transaction.
      const replies = await redis.send([['MULTI'], ...body, ['EXEC']]);
      const queued = replies.slice(1, -1).find((r) => r instanceof RespError) as RespError | undefined;
      const exec = replies[replies.length - 1];
      if (queued || !Array.isArray(exec)) return send(res, 400, { error: (queued ?? (exec as RespError)).message });
      return send(res, 200, exec.map((v) => encode(toReply(v))));
    }
    return send(res, 404, { error: `ERR ${path} is not served by this bridge (monitor and psubscribe are not)` });
  }

  async function subscribe(channel: string, res: ServerResponse): Promise<void> {
    const conn = await RespConnection.open(redisPort);
    streams.add(conn);
    res.on('close', () => conn.close());
    // A message can come in the same read as the confirmation: hold it until the stream is open.
    const held: string[] = [];
    let streaming = false;
    conn.onPush = (v) => {
      if (!Array.isArray(v) || v[0] !== 'message') return;
      const line = `data: message,${String(v[1])},${String(v[2])}\n\n`;
      if (streaming) res.write(line);
      else held.push(line);
    };
    conn.onClose = () => {
      streams.delete(conn);
      res.end();
    };
    const [reply] = await conn.send([['SUBSCRIBE', channel]]).catch((err: Error) => [new RespError(err.message)]);
    if (!Array.isArray(reply)) {
      conn.onClose = null;
      conn.close();
      return send(res, 400, { error: reply instanceof RespError ? reply.message : 'ERR subscribe failed' });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(`data: subscribe,${channel},${String(reply[2])}\n\n`);
    streaming = true;
    for (const line of held.splice(0)) res.write(line);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        redis.close();
        for (const conn of streams) conn.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isCommand(x: unknown): x is Command {
  return Array.isArray(x) && x.length > 0 && x.every((a) => typeof a === 'string' || typeof a === 'number');
}

/** Errors nested in an EXEC reply become `{error}` entries, like Upstash reports them. */
function toReply(v: RespValue): Reply {
  if (v instanceof RespError) return { error: v.message };
  return { result: plain(v) };
}
function plain(v: RespValue): unknown {
  if (v instanceof RespError) return v.message;
  return Array.isArray(v) ? v.map(plain) : v;
}

function toBase64(v: unknown): unknown {
  if (typeof v === 'string') return Buffer.from(v, 'utf8').toString('base64');
  return Array.isArray(v) ? v.map(toBase64) : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
