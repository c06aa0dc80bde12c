/**
 * Site keys, as an operator sets them up and as an attacker tries them: `npm run site` makes
 * two sites with keys on the embedded database (server stopped), then the real Node server
 * refuses every wrong way in (no key, another site's public key, no Origin without a secret,
 * another site's secret key, a token of another site) over the socket, the JSON route and
 * the history route, and lets in the right ones (the page's public key, the secret key, a
 * token minted by `npm run site -- token`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSiteToken } from '../../edge/core/sites/keys';
import { CLOSE_FORBIDDEN } from '@support-chat/protocol';
import { runCli } from '../servers/cli';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const ACME = 'https://acme.example';
const site = (dir: string, ...args: string[]) => runCli('node', ['--import', 'tsx', 'edge/runtime/node/site-cli.ts', ...args], 60_000, { DATA_DIR: join(dir, 'db') });
const keysOf = (stdout: string) => ({ pk: /public key: (pk_\S+)/.exec(stdout)![1], sk: /secret key: (sk_\S+)/.exec(stdout)![1] });

let dir: string;
let server: TestServer;
let acme: { pk: string; sk: string };
let beta: { pk: string; sk: string };
let cliToken: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'site-keys-'));
  const a = await site(dir, 'create', 'acme', '--origin', `${ACME}/`, '--origin', 'http://localhost:5173', '--set', 'retentionDays=30', '--set', 'eraseOnReset=true');
  expect(a.code, a.stderr).toBe(0);
  const b = await site(dir, 'create', 'beta', '--origin', ACME);
  expect(b.code, b.stderr).toBe(0);
  [acme, beta] = [keysOf(a.stdout), keysOf(b.stdout)];
  const t = await site(dir, 'token', 'acme', '--ttl', '120');
  expect(t.code, t.stderr).toBe(0);
  cliToken = t.stdout.trim();
  server = await startTestServer({}, dir);
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ws = (s: string, query = '') => `ws://127.0.0.1:${server.port}/v1/ws?site=${s}${query}`;

async function refused(url: string, headers: Record<string, string>): Promise<string> {
  const sock = await TestSocket.open(url, headers);
  const err = await sock.next('error');
  await new Promise((r) => sock.ws.once('close', r));
  expect(sock.closed?.code).toBe(CLOSE_FORBIDDEN);
  return `${err.code}: ${err.message}`;
}

async function admitted(url: string, headers: Record<string, string>): Promise<void> {
  const sock = await TestSocket.open(url, headers);
  await sock.hello();
  sock.ws.close();
}

describe('npm run site: keys and settings', () => {
  it('made a key pair per site; refuses to touch the embedded database while the server holds it', async () => {
    const shown = await site(dir, 'show', 'acme');
    // The server holds the embedded database now: the CLI says so instead of waiting.
    expect(shown.code).toBe(2);
    expect(shown.stderr).toMatch(/in use by process \d+ \(is the server running\?/);
    expect(acme.pk).not.toBe(beta.pk);
    expect(cliToken.split('.')).toHaveLength(3);
  });
});

describe('who may talk to a site that requires its key (Node server)', () => {
  it('a browser page: its public key lets it in; none, or another site\'s, does not', async () => {
    // Given as "https://acme.example/" to the CLI: stored as the origin browsers send.
    await admitted(ws('acme', `&key=${acme.pk}`), { origin: ACME });
    expect(await refused(ws('acme'), { origin: ACME })).toMatch(/^unauthorized: site "acme" needs its public key/);
    // A key lifted from beta's pages, used on an origin both sites allow.
    expect(await refused(ws('acme', `&key=${beta.pk}`), { origin: ACME })).toMatch(/^unauthorized: that key is not site "acme"'s/);
    // The right key does not open a wrong origin, nor an empty one.
    expect(await refused(ws('acme', `&key=${acme.pk}`), { origin: 'https://evil.example' })).toMatch(/^forbidden_origin/);
    expect(await refused(ws('acme', `&key=${acme.pk}`), { origin: 'null' })).toMatch(/^forbidden_origin/);
  });

  it('a client without Origin: the secret key or a fresh token lets it in; the public key, another site\'s secret or token does not', async () => {
    await admitted(ws('acme'), { authorization: `Bearer ${acme.sk}` });
    await admitted(ws('acme'), { authorization: `Bearer ${cliToken}` });
    expect(await refused(ws('acme'), {})).toMatch(/^unauthorized: .*Authorization: Bearer/);
    expect(await refused(ws('acme', `&key=${acme.pk}`), {})).toMatch(/^unauthorized/);
    expect(await refused(ws('acme'), { authorization: `Bearer ${beta.sk}` })).toMatch(/^unauthorized: that is not site "acme"'s secret key/);
    expect(await refused(ws('acme'), { authorization: `Bearer ${await mintSiteToken('beta', beta.sk, 60)}` })).toMatch(/^unauthorized/);
    expect(await refused(ws('acme'), { authorization: `Bearer ${await mintSiteToken('acme', beta.sk, 60)}` })).toMatch(/^unauthorized: the token is not signed/);
  });

  it('the JSON route and the history route hold to the same rules', async () => {
    const chat = (headers: Record<string, string>, body: Record<string, unknown> = {}) =>
      fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ site: 'acme', id: 'q1', text: 'How long do I have to return an item?', ...body }) });
    const none = await chat({});
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe('unauthorized');
    expect((await chat({ origin: ACME }, { key: beta.pk })).status).toBe(401);
    const ok = await chat({ authorization: `Bearer ${cliToken}` });
    expect(ok.status).toBe(200);
    const { session, resume } = (await ok.json()) as { session: string; resume: string };

    const history = (headers: Record<string, string>) => fetch(`${server.url}/v1/sessions/${session}`, { headers: { 'x-resume-secret': resume, ...headers } });
    expect((await history({})).status).toBe(404);
    expect((await history({ authorization: `Bearer ${beta.sk}` })).status).toBe(404);
    expect((await history({ authorization: `Bearer ${acme.sk}` })).status).toBe(200);
  });
});

describe("a visitor's reset on a site that erases what its widget resets", () => {
  it('ready says so; DELETE with the resume secret erases the conversation; without it, or where the site keeps conversations, nothing goes', async () => {
    const auth = { authorization: `Bearer ${acme.sk}` };
    const sock = await TestSocket.open(ws('acme'), auth);
    const ready = await sock.hello();
    expect(ready.eraseOnReset).toBe(true);
    await sock.ask('r1', 'How long do I have to return an item?');
    sock.ws.close();
    const url = `${server.url}/v1/sessions/${ready.session}`;
    const erase = (headers: Record<string, string>) => fetch(url, { method: 'DELETE', headers: { ...auth, ...headers } });

    expect((await erase({})).status).toBe(404);
    expect((await erase({ 'x-resume-secret': 'guessed' })).status).toBe(404);
    expect((await fetch(url, { headers: { ...auth, 'x-resume-secret': ready.resume! } })).status).toBe(200);
    expect((await erase({ 'x-resume-secret': ready.resume! })).status).toBe(204);
    expect((await fetch(url, { headers: { ...auth, 'x-resume-secret': ready.resume! } })).status).toBe(404);
    // The socket can no longer resume it: a new conversation starts.
    const again = await TestSocket.open(ws('acme'), auth);
    expect((await again.hello({ session: ready.session, resume: ready.resume! })).session).not.toBe(ready.session);
    again.ws.close();

    const kept = await TestSocket.open(ws('beta'), { authorization: `Bearer ${beta.sk}` });
    const other = await kept.hello();
    expect(other.eraseOnReset).toBeUndefined();
    await kept.ask('k1', 'Hello');
    kept.ws.close();
    const refused = await fetch(`${server.url}/v1/sessions/${other.session}`, { method: 'DELETE', headers: { authorization: `Bearer ${beta.sk}`, 'x-resume-secret': other.resume! } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('erase_disabled');
  });
});
