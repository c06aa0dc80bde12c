/**
 * Encryption at rest, checked where an attacker with a copy of the disk would look: the raw
 * files of the real Node server's embedded database (PGlite, file-backed), WAL included, while
 * it runs and after it stopped. With DATA_ENCRYPTION_KEY none of a visitor's markers (email,
 * phone, ticket reason, feedback comment) nor a shop customer's email is in any file; without
 * it, the same grep finds them (the control: the grep itself works). After a restart the admin
 * export reads plain text. Rotation: what k1 sealed is re-sealed under k2 by
 * `npm run encryption -- rotate`, what k2 sealed under k3 by the server in the background, and
 * `status` then shows nothing left under the older keys, which can be dropped.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SealedColumnStatus } from '../../edge/core/ports';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';
import { runCli } from '../servers/cli';

const ADMIN = 'admin-token-0123456789';
const key = (kid: string) => `${kid}:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
const K1 = key('k1');
const K2 = key('k2');
const K3 = key('k3');
/** A customer of the demo shop (demo/data/orders.json), loaded into the orders table at start. */
const SHOP_CUSTOMER = 'ines.carvalho@example.com';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function start(env: Record<string, string>, dataDir?: string): Promise<TestServer> {
  const s = await startTestServer({ ADMIN_TOKEN: ADMIN, ...env }, dataDir);
  if (!dirs.includes(s.dataDir)) dirs.push(s.dataDir);
  return s;
}

function markers(tag: string) {
  return {
    email: `zq.${tag}.visitor@example.org`,
    phone: `+351 91${tag.length}7 ${tag}-4242`,
    reason: `reason-marker-${tag}`,
    comment: `comment-marker-${tag}`,
  };
}

/** A visitor types an email and a phone number, rates the answer with a comment, asks for a person. */
async function converse(server: TestServer, m: ReturnType<typeof markers>): Promise<string> {
  const ws = await TestSocket.open(server.wsUrl());
  const { session } = await ws.hello();
  const { end } = await ws.ask('q1', `Where is my order JP-99999? My email is ${m.email}, phone ${m.phone}`);
  ws.send({ type: 'feedback', answer: end.id, rating: 'down', comment: m.comment });
  ws.send({ type: 'handoff', reason: m.reason });
  await ws.next('handoff');
  ws.close();
  return session;
}

type Export = { visitor: string; messages: { role: string; text: string }[]; tickets: { reason: string | null }[]; feedback: { comment: string | null }[] };
async function exported(server: TestServer, session: string): Promise<Export> {
  const res = await fetch(`http://127.0.0.1:${server.port}/v1/admin/visitors/${session}/export`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Export;
}

/** Which of `needles` occur, as bytes, in any file under `dir` (WAL segments, heap files, everything). */
function foundIn(dir: string, needles: string[]): string[] {
  return [...new Set(matches(dir, needles).map((x) => x.needle))].sort();
}

/** Where each needle occurs: its files, relative to `dir`. */
function matches(dir: string, needles: string[]): { needle: string; file: string }[] {
  const found: { needle: string; file: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        const bytes = readFileSync(p);
        for (const n of needles) if (bytes.includes(Buffer.from(n))) found.push({ needle: n, file: p.slice(dir.length + 1) });
      }
    }
  };
  walk(dir);
  return found;
}

const encryptionCli = (dataDir: string, keyRing: string, ...args: string[]) =>
  runCli('node', ['--import', 'tsx', 'edge/runtime/node/encryption-cli.ts', ...args], 60_000, { DATA_DIR: join(dataDir, 'db'), DATA_ENCRYPTION_KEY: keyRing });

async function status(dataDir: string, keyRing: string): Promise<SealedColumnStatus[]> {
  const r = await encryptionCli(dataDir, keyRing, 'status', '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SealedColumnStatus[];
}
const underKey = (s: SealedColumnStatus[], kid: string) => s.reduce((n, c) => n + (c.sealed[kid] ?? 0), 0);

describe('the raw database files (Node server, embedded PGlite on disk)', () => {
  it('hold none of the visitor data with DATA_ENCRYPTION_KEY, running or stopped; the export reads it back after a restart', async () => {
    const m = markers('sealed');
    const needles = [...Object.values(m), SHOP_CUSTOMER];
    let server = await start({ DATA_ENCRYPTION_KEY: K1 });
    const session = await converse(server, m);
    const before = await exported(server, session);
    expect(before.feedback).toEqual([expect.objectContaining({ comment: m.comment })]);
    expect(foundIn(server.dataDir, needles)).toEqual([]);
    await server.close();
    expect(foundIn(server.dataDir, needles)).toEqual([]);

    server = await start({ DATA_ENCRYPTION_KEY: K1 }, server.dataDir);
    try {
      const after = await exported(server, session);
      expect(after.messages.find((x) => x.role === 'user')?.text).toBe(`Where is my order JP-99999? My email is ${m.email}, phone ${m.phone}`);
      expect(after.tickets.map((t) => t.reason)).toEqual([m.reason]);
      expect(after.feedback.map((f) => f.comment)).toEqual([m.comment]);
      expect(after).toEqual(before);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('hold it in plain text without a key (the control: the grep finds what is there, in the WAL and in the tables)', async () => {
    const m = markers('plain');
    const needles = [...Object.values(m), SHOP_CUSTOMER];
    const server = await start({});
    await converse(server, m);
    // Running, the writes are in the WAL; stopped, checkpointed into the tables' files too.
    const files = (needle: string) => matches(server.dataDir, [needle]).map((x) => x.file.split('/').slice(0, 2).join('/'));
    expect(foundIn(server.dataDir, needles)).toEqual([...needles].sort());
    expect(files(m.email)).toContain('db/pg_wal');
    await server.close();
    expect(foundIn(server.dataDir, needles)).toEqual([...needles].sort());
    expect(new Set(files(m.email))).toEqual(new Set(['db/pg_wal', 'db/base']));
  }, 120_000);
});

describe('key rotation', () => {
  it('moves everything from k1 to k2 (the CLI) and from k2 to k3 (the server, in the background); older keys can then go', async () => {
    const a = markers('first');
    const b = markers('second');
    let server = await start({ DATA_ENCRYPTION_KEY: K1 });
    const dir = server.dataDir;
    const first = await converse(server, a);
    await server.close();
    expect(underKey(await status(dir, K1), 'k1')).toBeGreaterThanOrEqual(5);

    const rotated = await encryptionCli(dir, `${K2},${K1}`, 'rotate', '--batch', '2');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^rotate: \d+ value\(s\) re-sealed under key k2 in [\d.]+ s\n$/);
    expect(rotated.stderr).toMatch(/rotate: messages\.text: 2 re-sealed\n/);
    const afterCli = await status(dir, `${K2},${K1}`);
    expect(underKey(afterCli, 'k1')).toBe(0);
    expect(afterCli.every((c) => c.plain === 0)).toBe(true);

    server = await start({ DATA_ENCRYPTION_KEY: K2 }, dir);
    const second = await converse(server, b);
    await server.close();
    server = await start({ DATA_ENCRYPTION_KEY: `${K3},${K2}` }, dir);
    const summary = await server.rotation;
    expect(summary).toMatchObject({ kid: 'k3', failed: 0 });
    expect(summary!.resealed).toBeGreaterThanOrEqual(10);
    await server.close();
    const afterServer = await status(dir, K3);
    expect(underKey(afterServer, 'k2') + underKey(afterServer, 'k1')).toBe(0);
    expect(underKey(afterServer, 'k3')).toBeGreaterThanOrEqual(10);

    // Only k3 now: both conversations still read, and the CLI has nothing left to do.
    server = await start({ DATA_ENCRYPTION_KEY: K3 }, dir);
    try {
      expect((await exported(server, first)).tickets.map((t) => t.reason)).toEqual([a.reason]);
      expect((await exported(server, second)).feedback.map((f) => f.comment)).toEqual([b.comment]);
      expect(await server.rotation).toBeNull();
    } finally {
      await server.close();
    }
    expect(foundIn(dir, [...Object.values(a), ...Object.values(b)])).toEqual([]);
  }, 180_000);
});
