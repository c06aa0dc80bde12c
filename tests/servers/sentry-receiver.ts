/**
 * A stand-in for Sentry's ingest endpoint: accepts envelopes at `POST /api/<project>/envelope/`,
 * parses them (a header line, then item header + payload pairs) and keeps them, raw text
 * included, so a test can check both what is in a report and what must never be.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface EnvelopeItem {
  header: Record<string, unknown> & { type?: string };
  /** The payload parsed as JSON when it is JSON, else the text. */
  payload: unknown;
}
export interface Envelope {
  project: string;
  header: Record<string, unknown>;
  items: EnvelopeItem[];
  /** The request body as received: search it for what must not leak. */
  raw: string;
  /** The public key the SDK sent (in the `X-Sentry-Auth` header or the `sentry_key` query). */
  key: string;
}

export interface SentryReceiver {
  /** A DSN whose project is 1: `http://public@127.0.0.1:PORT/1`. */
  dsn: string;
  envelopes: Envelope[];
  /** Resolves when at least `n` envelopes have arrived. */
  waitFor(n?: number, ms?: number): Promise<Envelope[]>;
  stop(): Promise<void>;
}

export function parseEnvelope(raw: string, project = '', key = ''): Envelope {
  const bytes = Buffer.from(raw, 'utf8');
  let pos = 0;
  const line = (): string | null => {
    if (pos >= bytes.length) return null;
    const nl = bytes.indexOf(0x0a, pos);
    const end = nl < 0 ? bytes.length : nl;
    const text = bytes.toString('utf8', pos, end);
    pos = end + 1;
    return text;
  };
  const header = JSON.parse(line() ?? '{}') as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  for (let h = line(); h !== null; h = line()) {
    if (h.trim() === '') continue;
    const itemHeader = JSON.parse(h) as EnvelopeItem['header'];
    let body: string;
    if (typeof itemHeader.length === 'number') {
      body = bytes.toString('utf8', pos, pos + itemHeader.length);
      pos += itemHeader.length + 1;
    } else {
      body = line() ?? '';
    }
    let payload: unknown = body;
    try {
      payload = JSON.parse(body);
    } catch {
      // not JSON (an attachment): keep the text
    }
    items.push({ header: itemHeader, payload });
  }
  return { project, header, items, raw, key };
}

export async function startSentryReceiver(): Promise<SentryReceiver> {
  const envelopes: Envelope[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const m = /^\/api\/([^/]+)\/envelope\/?$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) {
      res.writeHead(404).end();
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      let body = Buffer.concat(parts);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const header = /sentry_key=([^,\s]+)/.exec(String(req.headers['x-sentry-auth'] ?? ''));
      const key = header?.[1] ?? url.searchParams.get('sentry_key') ?? '';
      try {
        envelopes.push(parseEnvelope(body.toString('utf8'), m[1], key));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: String(err) }));
        return;
      }
      for (const w of waiters) w();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    envelopes,
    waitFor: (n = 1, ms = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (envelopes.length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(envelopes);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${n} Sentry envelope(s), got ${envelopes.length} in ${ms} ms`));
        }, ms);
        waiters.add(check);
        check();
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
