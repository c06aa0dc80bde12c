/**
 * A bounded flood on loopback against the real Node server with its real (default) limits:
 * every limit holds, and a visitor of another site is still answered within twice their
 * normal latency.
 *
 * The attacker (flood-attacker.ts) runs in its own process, so the server and the visitor
 * measured here never wait on the attacker's event loop. Behind TRUST_PROXY=1 it presents its
 * own addresses in X-Forwarded-For: one address floods hellos on one socket, one opens
 * sockets past SOCKETS_PER_ADDRESS, one floods messages over a few conversations, one POSTs
 * /v1/chat without a session, and many spoofed addresses POST as a botnet would. A burst of
 * each first, then a trickle of the same (all refused) until the visitor has been measured.
 *
 * The visitor asks the demo site's FAQ, sequentially, over one socket from an address of
 * their own: a warm-up (JIT, first queries), then the normal latency, then the same questions
 * during the flood. Medians, not maxima; RAG_CACHE_TTL=0 so no answer comes from the cache.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../edge/config/load';
import { silentLogger } from '../../edge/ops/logger';
import { openStores } from '../../edge/runtime/node/deps';
import { CLOSE_TRY_AGAIN } from '@support-chat/protocol';
import { runCli } from '../servers/cli';
import { startTestServer, type TestServer } from '../helpers/server';
import { othersBusy, waitForQuiet } from '../helpers/quiet';
import { TestSocket } from '../helpers/ws-client';
import type { FloodPlan, FloodResult } from './flood-attacker';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ATTACKER = join(ROOT, 'tests/security/flood-attacker.ts');

/** The product's defaults (edge/config/schema.ts), given explicitly: the test is about these. */
const LIMITS = {
  RATE_LIMIT_PER_MINUTE: 20,
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 60,
  RATE_LIMIT_PER_SITE_PER_MINUTE: 600,
  RATE_LIMIT_PER_SITE_PER_SECOND: 20,
  NEW_CONVERSATIONS_PER_ADDRESS_PER_HOUR: 120,
  SOCKETS_PER_ADDRESS: 20,
};
const ADMIN_TOKEN = 'flood-admin-token-0123456789';
const VICTIM = '192.0.2.10';
const QUESTIONS = [
  'How long does shipping take?',
  'What is your return policy?',
  'What does the warranty cover?',
  'Do you sell gift cards?',
  'How do I wash my down sleeping bag?',
  'What payment methods do you accept?',
  'Can I ship to a PO box?',
  'When will I get my refund?',
  'Do you repair gear?',
  'What fuel does the Ember stove use?',
  'How can I contact customer support?',
  'Do you have a physical store?',
  'Do you price match?',
  'Is return shipping free?',
];
/**
 * The visitor's questions: all of them stay under their own address's limit (a minute), and
 * the flood lasts as long as the visitor's questions during it (about GAP_MS apart).
 */
const WARM_UP = 6;
const NORMAL = 16;
const DURING = 30;
const PER_CONVERSATION = 10;
const GAP_MS = 200;

const plan = (port: number): FloodPlan => ({
  port,
  site: 'flood',
  durationMs: 20_000, // the hang guard: the test stops it as soon as the visitor is measured
  helloAddress: '198.51.100.1',
  socketAddress: '198.51.100.2',
  messageAddress: '198.51.100.3',
  postAddress: '198.51.100.4',
  spoofPrefix: '203.0.113.',
  hellos: 300,
  sockets: 60,
  messageSockets: 4,
  messagesPerSocket: 40,
  // Then, for as long as the visitor is measured: about 250 requests and frames a second.
  socketsPerSecond: 20,
  messagesPerSecond: 10, // on each of the 4 message sockets
  postsPerSecond: 50,
  // A botnet (or a client behind a proxy that passes X-Forwarded-For through): enough
  // addresses that none reaches its own limits within the flood.
  spoofAddresses: 250,
  spoofedPerSecond: 100,
});

let dir: string;
let server: TestServer | null = null;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flood-'));
  // The attacked site: open to every origin and keyless, the easiest target there is.
  const made = await runCli('node', ['--import', 'tsx', 'edge/runtime/node/site-cli.ts', 'create', 'flood', '--origin', '*', '--no-require-key'], 60_000, { DATA_DIR: join(dir, 'db') });
  expect(made.code, made.stderr).toBe(0);
  server = await startTestServer(
    { ...Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, String(v)])), TRUST_PROXY: '1', RAG_CACHE_TTL: '0', ADMIN_TOKEN },
    dir,
  );
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (xs: number[]) => xs.map((x) => Math.round(x * 10) / 10);

/**
 * Time to the whole answer (send to answer.end) of each question, asked one after another with
 * a pause between them, as a visitor reads and types: a new conversation every PER_CONVERSATION
 * questions keeps the visitor under their own per-conversation limit. The hello is not timed.
 */
async function timeAnswers(sock: TestSocket, tag: string, count: number, gapMs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i % PER_CONVERSATION === 0) await sock.hello();
    const t0 = performance.now();
    const { text } = await sock.ask(`${tag}${i}`, QUESTIONS[i % QUESTIONS.length]);
    times.push(performance.now() - t0);
    expect(text.length).toBeGreaterThan(20);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return times;
}

interface Attacker {
  child: ChildProcess;
  burst: Promise<void>;
  done: Promise<FloodResult>;
  stop(): void;
}

function startAttacker(p: FloodPlan): Attacker {
  const child = spawn(process.execPath, ['--import', 'tsx', ATTACKER, JSON.stringify(p)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  // The attacker's own CPU is not the server's load: deployed, it runs on other machines. On
  // this two-core box at full priority it took a core from the server, and the victim's
  // latency measured the box's scheduler (it failed after a long suite, passed alone).
  // Lowest priority keeps it from starving the server while it still sends all it can.
  if (child.pid) setPriority(child.pid, 19);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout! });
  let burst!: () => void;
  const onBurst = new Promise<void>((r) => (burst = r));
  const done = new Promise<FloodResult>((resolve, reject) => {
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { event: string } & FloodResult;
      if (msg.event === 'burst') burst();
      if (msg.event === 'done') resolve(msg);
    });
    child.on('close', (code) => reject(new Error(`the attacker exited (${code}) without a result: ${stderr.slice(-2000)}`)));
  });
  return { child, burst: onBurst, done, stop: () => child.stdin!.write('stop\n') };
}

let flood: FloodResult | null = null;
let normal: number[] = [];
let during: number[] = [];

describe('a bounded flood of one site (loopback, default limits)', () => {
  it("answers another site's visitor within twice their normal latency while the flood runs", async () => {
    const s = server!;
    // Run last in the suite, this once met servers of other test files still shutting down: the
    // flood's latencies then measured their CPU, not this server's (median 2.4× normal, 1.0-1.2×
    // alone). Start on a quiet machine, and say how busy the rest of it was meanwhile.
    const before = await waitForQuiet();
    const victim = await TestSocket.open(s.wsUrl('demo'), { 'x-forwarded-for': VICTIM });
    await timeAnswers(victim, 'w', WARM_UP, GAP_MS);
    normal = await timeAnswers(victim, 'n', NORMAL, GAP_MS);

    const attacker = startAttacker(plan(s.port));
    let othersDuring = 0;
    try {
      await attacker.burst;
      const watching = othersBusy(2000, attacker.child.pid ? [attacker.child.pid] : []);
      during = await timeAnswers(victim, 'f', DURING, GAP_MS);
      othersDuring = await watching;
    } finally {
      attacker.stop();
    }
    flood = await attacker.done;
    victim.close();

    const summary = {
      normalMs: round(normal),
      floodMs: round(during),
      normalMedian: median(normal),
      floodMedian: median(during),
      otherProcessesCores: { before: Math.round(before * 100) / 100, during: Math.round(othersDuring * 100) / 100 },
    };
    console.log('victim latency', JSON.stringify(summary));
    console.log('flood', JSON.stringify(flood));
    expect(median(during), JSON.stringify(summary)).toBeLessThanOrEqual(2 * median(normal));
  }, 60_000);

  it('holds every limit: conversations per address, sockets per address, messages per conversation, address and site', async () => {
    expect(flood, 'the flood ran').not.toBeNull();
    const f = flood!;
    const { hello, sockets, messages, posts, spoofed } = f;

    // A hello flood on one socket: NEW_CONVERSATIONS_PER_ADDRESS_PER_HOUR conversations, then refused and closed.
    expect(hello.ready).toBe(LIMITS.NEW_CONVERSATIONS_PER_ADDRESS_PER_HOUR);
    expect(hello.rateLimited).toBeGreaterThanOrEqual(1);
    expect(hello.withRetryAfter).toBe(hello.rateLimited);
    expect(hello.closeCodes).toEqual([CLOSE_TRY_AGAIN]);
    expect(hello.laterAdmitted).toBe(0);

    // Sockets from one address: SOCKETS_PER_ADDRESS kept, every other one told and closed with 1013.
    expect(sockets.kept).toBe(LIMITS.SOCKETS_PER_ADDRESS);
    expect(sockets.refused).toBe(sockets.tried - LIMITS.SOCKETS_PER_ADDRESS);
    expect(sockets.refusedWith1013).toBe(sockets.refused);
    expect(sockets.laterRefused).toBe(sockets.laterTried);

    // Messages over a few conversations of one address: at most RATE_LIMIT_PER_MINUTE each, RATE_LIMIT_PER_ADDRESS_PER_MINUTE in all.
    expect(messages.conversations).toBe(messages.sockets);
    for (const n of messages.ackedPerConversation) expect(n).toBeLessThanOrEqual(LIMITS.RATE_LIMIT_PER_MINUTE);
    expect(messages.acked).toBeLessThanOrEqual(LIMITS.RATE_LIMIT_PER_ADDRESS_PER_MINUTE);
    expect(messages.acked + messages.rateLimited).toBe(messages.sent);
    expect(messages.withRetryAfter).toBe(messages.rateLimited);
    expect(messages.otherErrors).toEqual([]);

    // POST /v1/chat without a session from one address: each a new conversation and a message.
    expect(posts.other).toEqual([]);
    expect(posts.ok).toBeLessThanOrEqual(LIMITS.RATE_LIMIT_PER_ADDRESS_PER_MINUTE);
    expect(posts.ok + posts.limited).toBe(posts.sent);
    expect(posts.withRetryAfter).toBe(posts.limited);

    // Spoofed addresses: each under its own limit, the site's ceiling holds for all of them together.
    expect(spoofed.other).toEqual([]);
    for (const n of spoofed.okPerAddress) expect(n).toBeLessThanOrEqual(LIMITS.RATE_LIMIT_PER_ADDRESS_PER_MINUTE);
    expect(spoofed.withRetryAfter).toBe(spoofed.limited);
    const siteMessages = messages.acked + posts.ok + spoofed.ok;
    expect(siteMessages).toBeLessThanOrEqual(LIMITS.RATE_LIMIT_PER_SITE_PER_MINUTE);
    expect(spoofed.limited).toBeGreaterThan(0); // the ceiling was reached
    // ... and was reached no faster than RATE_LIMIT_PER_SITE_PER_SECOND lets it (one second's
    // allowance of slack for the windows' edges): bursts are spread out.
    expect(siteMessages).toBeLessThanOrEqual(LIMITS.RATE_LIMIT_PER_SITE_PER_SECOND * (Math.ceil(f.elapsedMs / 1000) + 1));

    // What the server kept: one answer per message it took, and conversations only for those.
    const stats = await fetch(`http://127.0.0.1:${server!.port}/v1/admin/stats?site=flood`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(stats.status).toBe(200);
    const { sites } = (await stats.json()) as { sites: { site: string; answers: number }[] };
    const answers = sites.find((x) => x.site === 'flood')?.answers ?? 0;
    expect(answers).toBe(siteMessages);

    await server!.close();
    server = null;
    const config = loadConfig({ DATA_DIR: join(dir, 'db'), EMBEDDING_MODEL: 'local-hash-384' });
    const stores = await openStores(config, false, silentLogger);
    try {
      const convs = await stores.db.conversations.idleSince(new Date(Date.now() + 86_400_000), 100_000, 'flood');
      console.log('flood conversations stored', convs.length, 'messages taken', siteMessages);
      // The hello flood and the refused requests stored nothing: only conversations with a message taken.
      expect(convs.length).toBe(messages.ackedPerConversation.filter((n) => n > 0).length + posts.ok + spoofed.ok);
    } finally {
      await stores.close();
    }
  }, 60_000);
});
