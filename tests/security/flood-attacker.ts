/**
 * The attacker of tests/security/flood.test.ts, in a process of its own so that its sockets,
 * requests and JSON parsing never share an event loop with the server or with the visitor
 * whose latency the test measures.
 *
 *   node --import tsx tests/security/flood-attacker.ts '<json FloodPlan>'
 *
 * Everything is bounded: a fixed burst of hellos, sockets and messages at the start, then each
 * attack at a fixed rate (open loop: the attacker does not wait for answers, but never has more
 * than MAX_IN_FLIGHT of one kind unanswered) until `durationMs` has passed or the parent writes
 * a line to stdin; then it waits (at most SETTLE_MS) for the replies still on their way. Prints
 * `{"event":"burst"}` once the burst has been sent, then `{"event":"done", ...FloodResult}`.
 */
import WebSocket from 'ws';
import { createInterface } from 'node:readline';

export interface FloodPlan {
  port: number;
  /** The site under attack. */
  site: string;
  /** The trickle after the burst stops after this long, or when stdin gets a line. */
  durationMs: number;
  /** Addresses, one per attack (sent as X-Forwarded-For behind TRUST_PROXY=1). */
  helloAddress: string;
  socketAddress: string;
  messageAddress: string;
  postAddress: string;
  /** Prefix of the spoofed addresses: `${prefix}${i}`. */
  spoofPrefix: string;
  hellos: number;
  sockets: number;
  messageSockets: number;
  messagesPerSocket: number;
  /** POST /v1/chat without a session from postAddress, a second, for the whole flood. */
  postsPerSecond: number;
  spoofAddresses: number;
  /** The same from the spoofed addresses, round robin. */
  spoofedPerSecond: number;
  /** New sockets a second from socketAddress after the first `sockets`, and messages a second on each message socket after the first `messagesPerSocket`. */
  socketsPerSecond: number;
  messagesPerSecond: number;
}

/** Per attack: what the server answered. `refusedOk` counts refusals that came with retryAfter > 0. */
export interface FloodResult {
  hello: { sent: number; ready: number; rateLimited: number; withRetryAfter: number; closeCodes: number[]; laterRefused: number; laterAdmitted: number };
  sockets: { tried: number; kept: number; refused: number; refusedWith1013: number; laterTried: number; laterRefused: number };
  messages: { sockets: number; conversations: number; sent: number; acked: number; ackedPerConversation: number[]; rateLimited: number; withRetryAfter: number; otherErrors: string[] };
  posts: { sent: number; ok: number; limited: number; withRetryAfter: number; other: number[] };
  spoofed: { sent: number; ok: number; limited: number; withRetryAfter: number; other: number[]; okPerAddress: number[] };
  elapsedMs: number;
}

type Frame = { type: string; [k: string]: unknown };

const plan = JSON.parse(process.argv[2]) as FloodPlan;
const base = `127.0.0.1:${plan.port}`;
const wsUrl = `ws://${base}/v1/ws?site=${encodeURIComponent(plan.site)}`;
const started = Date.now();
let stopping = false;
const stopped = new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, plan.durationMs);
  createInterface({ input: process.stdin }).once('line', () => {
    clearTimeout(timer);
    resolve();
  });
}).then(() => {
  stopping = true;
});

class Sock {
  frames: Frame[] = [];
  closeCode: number | null = null;
  readonly closed: Promise<number>;
  readonly opened: Promise<boolean>;
  constructor(address: string) {
    const ws = new WebSocket(wsUrl, { headers: { 'x-forwarded-for': address } });
    this.ws = ws;
    ws.on('message', (d) => this.frames.push(JSON.parse(String(d)) as Frame));
    this.closed = new Promise((r) => ws.on('close', (code) => r((this.closeCode = code))));
    this.opened = new Promise((r) => {
      ws.once('open', () => r(true));
      ws.once('error', () => r(false));
    });
  }
  readonly ws: WebSocket;
  send(f: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(f));
  }
  count(pred: (f: Frame) => boolean): number {
    return this.frames.filter(pred).length;
  }
  async until(pred: () => boolean, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!pred() && this.closeCode === null && Date.now() < end) await sleep(10);
  }
  close(): void {
    this.ws.terminate();
  }
}

/** After the flood, how long replies still on their way are waited for. */
const SETTLE_MS = 15_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const limited = (f: Frame) => f.type === 'error' && f.code === 'rate_limited';
const withWait = (f: Frame) => limited(f) && typeof f.retryAfter === 'number' && f.retryAfter > 0;

/**
 * Starts `fn` every `ms` until the flood ends, without waiting for the previous one (a client
 * that does not care for answers), with at most MAX_IN_FLIGHT unanswered; then waits for them.
 */
async function trickle(ms: number, fn: () => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  while (!stopping) {
    if (running.size < MAX_IN_FLIGHT) {
      const p: Promise<void> = fn().finally(() => running.delete(p));
      running.add(p);
    }
    await Promise.race([sleep(ms), stopped]);
  }
  await Promise.all(running);
}
const MAX_IN_FLIGHT = 64;

async function helloFlood(): Promise<FloodResult['hello']> {
  const s = new Sock(plan.helloAddress);
  await s.opened;
  for (let i = 0; i < plan.hellos; i++) s.send({ type: 'hello', v: 1 });
  // Until the server closes it, for as long as the flood lasts (and a little after).
  await s.until(() => stopping, plan.durationMs);
  if (s.closeCode === null) await s.until(() => false, SETTLE_MS);
  let laterRefused = 0;
  let laterAdmitted = 0;
  const closeCodes = [s.closeCode ?? -1];
  // The address has used its conversations for the hour: a new socket's hello is refused too.
  await trickle(250, async () => {
    const t = new Sock(plan.helloAddress);
    if (!(await t.opened)) return;
    t.send({ type: 'hello', v: 1 });
    await t.until(() => t.frames.length > 0, 3000);
    if (t.frames.some(limited)) laterRefused++;
    if (t.frames.some((f) => f.type === 'ready')) laterAdmitted++;
    t.close();
  });
  return {
    sent: plan.hellos,
    ready: s.count((f) => f.type === 'ready'),
    rateLimited: s.count(limited),
    withRetryAfter: s.count(withWait),
    closeCodes,
    laterRefused,
    laterAdmitted,
  };
}

async function socketFlood(): Promise<FloodResult['sockets']> {
  const all = Array.from({ length: plan.sockets }, () => new Sock(plan.socketAddress));
  await Promise.all(all.map((s) => s.opened));
  // A refused socket is told so and closed at once; give the server a moment to do that.
  await Promise.all(all.map((s) => s.until(() => s.frames.length > 0, 1500)));
  const refused = all.filter((s) => s.frames.some(limited));
  let laterTried = 0;
  let laterRefused = 0;
  await trickle(1000 / plan.socketsPerSecond, async () => {
    const extra = [new Sock(plan.socketAddress)];
    laterTried += extra.length;
    await Promise.all(extra.map((s) => s.opened));
    // Told and closed by the server (however busy it is), not by us.
    await Promise.all(extra.map((s) => s.until(() => false, SETTLE_MS)));
    laterRefused += extra.filter((s) => s.frames.some(limited) && s.closeCode === 1013).length;
    for (const s of extra) s.close();
  });
  await Promise.all(refused.map((s) => s.until(() => false, 2000)));
  const result = {
    tried: all.length,
    kept: all.filter((s) => s.closeCode === null).length,
    refused: refused.length,
    refusedWith1013: refused.filter((s) => s.closeCode === 1013).length,
    laterTried,
    laterRefused,
  };
  for (const s of all) s.close();
  return result;
}

async function messageFlood(): Promise<FloodResult['messages']> {
  const socks = Array.from({ length: plan.messageSockets }, () => new Sock(plan.messageAddress));
  await Promise.all(socks.map((s) => s.opened));
  for (const s of socks) s.send({ type: 'hello', v: 1 });
  await Promise.all(socks.map((s) => s.until(() => s.frames.some((f) => f.type === 'ready'), 10_000)));
  let sent = 0;
  for (let i = 0; i < plan.messagesPerSocket; i++) {
    for (const [k, s] of socks.entries()) {
      s.send({ type: 'message', id: `m${k}-${i}`, text: `Where is my parcel number ${k}-${i}?` });
      sent++;
    }
  }
  let n = plan.messagesPerSocket;
  await trickle(1000 / plan.messagesPerSecond, async () => {
    for (const [k, s] of socks.entries()) {
      s.send({ type: 'message', id: `m${k}-${n}`, text: `Where is my parcel number ${k}-${n}?` });
      sent++;
    }
    n++;
  });
  // Every message is acknowledged or refused: wait for the last replies.
  const replied = () => socks.reduce((a, s) => a + s.count((f) => f.type === 'ack' || f.type === 'error'), 0);
  const until = Date.now() + SETTLE_MS;
  while (replied() < sent && Date.now() < until) await sleep(20);
  const errors = socks.flatMap((s) => s.frames.filter((f) => f.type === 'error' && f.code !== 'rate_limited').map((f) => String(f.code)));
  const result = {
    sockets: socks.length,
    conversations: new Set(socks.flatMap((s) => s.frames.filter((f) => f.type === 'ready').map((f) => String(f.session)))).size,
    sent,
    acked: socks.reduce((a, s) => a + s.count((f) => f.type === 'ack'), 0),
    ackedPerConversation: socks.map((s) => s.count((f) => f.type === 'ack')),
    rateLimited: socks.reduce((a, s) => a + s.count(limited), 0),
    withRetryAfter: socks.reduce((a, s) => a + s.count(withWait), 0),
    otherErrors: [...new Set(errors)],
  };
  for (const s of socks) s.close();
  return result;
}

interface PostTally {
  sent: number;
  ok: number;
  limited: number;
  withRetryAfter: number;
  other: number[];
}

async function post(address: string, id: string, tally: PostTally): Promise<boolean> {
  tally.sent++;
  try {
    const res = await fetch(`http://${base}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ site: plan.site, id, text: `Do you sell gift cards? (${id})` }),
    });
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; retryAfter?: number } } | null;
    if (res.status === 200) {
      tally.ok++;
      return true;
    }
    if (res.status === 429 && body?.error?.code === 'rate_limited') {
      tally.limited++;
      if ((body.error.retryAfter ?? 0) > 0 && Number(res.headers.get('retry-after')) === body.error.retryAfter) tally.withRetryAfter++;
      return false;
    }
    tally.other.push(res.status);
  } catch {
    tally.other.push(0);
  }
  return false;
}

async function postFlood(): Promise<FloodResult['posts']> {
  const tally: PostTally = { sent: 0, ok: 0, limited: 0, withRetryAfter: 0, other: [] };
  let n = 0;
  await trickle(1000 / plan.postsPerSecond, async () => void (await post(plan.postAddress, `p${n++}`, tally)));
  return tally;
}

async function spoofFlood(): Promise<FloodResult['spoofed']> {
  const tally: PostTally = { sent: 0, ok: 0, limited: 0, withRetryAfter: 0, other: [] };
  const okPer = new Array<number>(plan.spoofAddresses).fill(0);
  let n = 0;
  // Round robin over the addresses, as a botnet spreads its requests.
  await trickle(1000 / plan.spoofedPerSecond, async () => {
    const i = n++;
    const a = i % plan.spoofAddresses;
    if (await post(`${plan.spoofPrefix}${a}`, `x${i}`, tally)) okPer[a]++;
  });
  return { ...tally, okPerAddress: okPer };
}

async function main(): Promise<void> {
  const attacks = Promise.all([helloFlood(), socketFlood(), messageFlood(), postFlood(), spoofFlood()]);
  process.stdout.write(JSON.stringify({ event: 'burst', at: Date.now() - started }) + '\n');
  const [hello, sockets, messages, posts, spoofed] = await attacks;
  const result: FloodResult = { hello, sockets, messages, posts, spoofed, elapsedMs: Date.now() - started };
  process.stdout.write(JSON.stringify({ event: 'done', ...result }) + '\n');
  process.exit(0);
}

// A parent that dies leaves no attacker behind.
process.on('disconnect', () => process.exit(1));
process.stdin.on('end', () => process.exit(1));
void main();
