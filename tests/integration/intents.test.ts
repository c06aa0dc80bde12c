/**
 * A site's own intents end to end: labelled rows uploaded through the admin API (and the CLI)
 * train a model that the real Node server answers with at once, with the site's actions
 * (a fixed reply, a ticket); a second server on the same database swaps it in within seconds,
 * without a restart; deleting it brings the built-in intents back.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../edge/ops/logger';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';
import { runCli } from '../servers/cli';
import { skipWithout } from '../servers/availability';
import { postgres15Missing, startPostgres15, type RunningPostgres } from '../servers/postgres15';
import { startQdrantFake, type QdrantFake } from '../fakes/qdrant-server';

const ADMIN = 'admin-token-intents-0123456789';
const TRAIN = 'demo/intents.csv';
const EVAL = 'tests/fixtures/intents/demo-eval.csv';
const HOURS = 'Our Boulder store is open 9:00–19:00, Monday to Saturday, and 10:00–17:00 on Sunday.';
const ACTIONS = { store_hours: { action: 'reply', reply: HOURS }, cancel_order: { action: 'ticket' } };

const api = (server: TestServer, method: string, path: string, body?: string | object, type = 'application/json') =>
  fetch(`${server.url}/v1/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': type },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

let n = 0;
async function ask(server: TestServer, text: string) {
  const s = await TestSocket.open(server.wsUrl(), { origin: `http://127.0.0.1:${server.port}` });
  await s.hello();
  const answer = await s.ask(`q${++n}`, text);
  s.close();
  return answer;
}

describe("a site's own intents through the admin API, on the Node server", () => {
  let server: TestServer;
  const logged: { msg: string; fields?: Record<string, unknown> }[] = [];
  const log = { ...silentLogger, info: (msg: string, fields?: Record<string, unknown>) => void logged.push({ msg, fields }) };
  beforeAll(async () => {
    server = await startTestServer({ ADMIN_TOKEN: ADMIN, RAG_CACHE_TTL: '0' }, undefined, { log });
  }, 60_000);
  afterAll(() => server?.destroy());

  it('trains from CSV rows, reports on the held-out tenth, and answers with the intents and their actions at once', async () => {
    expect((await api(server, 'GET', '/sites/demo/intents')).status).toBe(404);
    const put = await api(server, 'PUT', '/sites/demo/intents', readFileSync(TRAIN, 'utf8'), 'text/csv');
    expect(put.status).toBe(200);
    const trained = (await put.json()) as { version: string; report: { rows: number; intents: string[]; heldOut: { accuracy: number; macroF1: number } } };
    expect(trained.report.intents).toEqual(expect.arrayContaining(['cancel_order', 'store_hours', 'warranty_claim']));
    expect(trained.report.heldOut.accuracy).toBeGreaterThan(0.6);
    // This server embeds with hashed vectors (as Workers do): n-grams only, no head.
    expect(trained.report).toMatchObject({ features: 'ngrams' });
    expect(trained.report).not.toHaveProperty('heldOutNgrams');
    expect((await api(server, 'PATCH', '/sites/demo', { settings: { intents: ACTIONS } })).status).toBe(200);

    const hours = await ask(server, 'what time does the shop open on saturday?');
    expect(hours.start.intent).toBe('store_hours');
    expect(hours.text).toBe(HOURS);
    // Unmapped intents answer from the content, under the site's name for them.
    const size = await ask(server, 'I usually wear a 43 in running shoes, which size of hiking boot should I get?');
    expect(size.start.intent).toBe('size_advice');
    expect(size.text.length).toBeGreaterThan(0);
    // Each answer's log line says which model decided (its version; n-grams alone here), never what was asked.
    const line = logged.filter((l) => l.msg === 'answered').at(-1)!.fields!;
    expect(line).toMatchObject({ site: 'demo', intent: 'size_advice', intentModel: `site:${trained.version}` });
    expect(Object.keys(line.ms as object)).toEqual(expect.arrayContaining(['preprocess', 'intent', 'retrieve']));
    expect(JSON.stringify(line)).not.toMatch(/hiking boot/);
    // Built-in intents still serve what the site did not train: greetings, asking for a person.
    expect((await ask(server, 'hello!')).start.intent).toBe('greeting');

    const got = (await (await api(server, 'GET', '/sites/demo/intents')).json()) as { version: string; rows: number };
    expect(got).toMatchObject({ version: trained.version, rows: trained.report.rows });
  });

  it('refuses bad rows with the line at fault and keeps the model it has', async () => {
    const before = (await (await api(server, 'GET', '/sites/demo/intents')).json()) as { version: string };
    const bad = await api(server, 'PUT', '/sites/demo/intents', 'text,label\nhello there,greeting\n,greeting\n', 'text/csv');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'invalid_file', message: 'the CSV, line 3: the text is empty' } });
    const one = await api(server, 'PUT', '/sites/demo/intents', { rows: [{ text: 'hi', label: 'greeting' }] });
    expect(((await one.json()) as { error: { message: string } }).error.message).toMatch(/training needs two or more/);
    expect((await api(server, 'PUT', '/sites/demo/intents', 'x', 'text/plain')).status).toBe(415);
    expect((await api(server, 'PUT', '/sites/nowhere/intents', { rows: [] })).status).toBe(404);
    expect(((await (await api(server, 'GET', '/sites/demo/intents')).json()) as { version: string }).version).toBe(before.version);
  });

  it('deleting the model brings the built-in intents back', async () => {
    expect((await api(server, 'DELETE', '/sites/demo/intents')).status).toBe(204);
    const hours = await ask(server, 'what time does the shop open on saturday?');
    expect(hours.start.intent).not.toBe('store_hours');
    expect(hours.text).not.toBe(HOURS);
    expect((await api(server, 'DELETE', '/sites/demo/intents')).status).toBe(404);
  });
});

describe.skipIf(skipWithout('PostgreSQL 15', postgres15Missing()))('a new training reaches another server on the same PostgreSQL within seconds', () => {
  let pg: RunningPostgres;
  let qdrant: QdrantFake;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    [pg, qdrant] = await Promise.all([startPostgres15(), startQdrantFake()]);
    const env = { ADMIN_TOKEN: ADMIN, RAG_CACHE_TTL: '0', POSTGRES_URL: pg.url, QDRANT_URL: qdrant.url };
    a = await startTestServer(env);
    b = await startTestServer(env);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
    await Promise.all([pg?.stop(), qdrant?.close()]);
  });

  it('server B answers with the model server A trained, without a restart', async () => {
    const question = 'what time does the shop open on saturday?';
    // B has read the site's (missing) model before the training.
    expect((await ask(b, question)).start.intent).not.toBe('store_hours');
    expect((await api(a, 'PUT', '/sites/demo/intents', readFileSync(TRAIN, 'utf8'), 'text/csv')).status).toBe(200);
    const trainedAt = Date.now();
    let intent = '';
    while (Date.now() - trainedAt < 12_000 && intent !== 'store_hours') {
      await new Promise((r) => setTimeout(r, 500));
      intent = (await ask(b, question)).start.intent;
    }
    expect(intent).toBe('store_hours');
    // SiteModels checks every 5 s: the swap takes at most that, plus a message to notice it.
    expect(Date.now() - trainedAt).toBeLessThan(12_000);
  }, 60_000);
});

describe('npm run intents', () => {
  const dataDir = `${process.env.TMPDIR ?? '/tmp'}/intents-cli-${process.pid}`;
  const cli = (...args: string[]) => runCli('node', ['--import', 'tsx', 'edge/runtime/node/intents-cli.ts', ...args], 120_000, { DATA_DIR: dataDir });
  beforeAll(async () => {
    expect((await runCli('node', ['--import', 'tsx', 'edge/runtime/node/site-cli.ts', 'create', 'demo'], 60_000, { DATA_DIR: dataDir })).code).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('trains, shows the report, evaluates as JSON with the keys the docs name, and resets', async () => {
    const before = await cli('eval', EVAL, '--json');
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout).model).toMatch(/built-in intents/);

    const train = await cli('train', TRAIN);
    expect(train.code, train.stderr).toBe(0);
    // The server's default embedder is a sentence model: the model gets a head on its vectors,
    // and the report says what the n-grams alone do (what Workers serve of it).
    expect(train.stdout).toMatch(/^training site "demo" on \d+ rows from demo\/intents\.csv \(n-grams and all-MiniLM-L6-v2 embeddings\)…$/m);
    expect(train.stdout).toMatch(/^8 intents from 230 rows \(ngrams\+all-MiniLM-L6-v2\), trained in \d+\.\d\d s \(\d+\.\d\d s of it embedding the rows\)$/m);
    expect(train.stdout).toMatch(/in-scope accuracy \d+\.\d/);
    expect(train.stdout).toMatch(/^from n-grams alone \(what a server without all-MiniLM-L6-v2 serves, e\.g\. on Workers\): in-scope accuracy \d+\.\d, macro-F1 \d+\.\d, out of scope recall \d+\.\d$/m);
    expect(train.stdout).toMatch(/stored as version im_[\w-]+: servers serving "demo" use it within seconds/);

    const evaluated = await cli('eval', EVAL, '--json');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['accuracy', 'macroF1', 'perIntent', 'oosRecall', 'oosPrecision', 'msPerUtterance']));
    expect(report.model).toMatch(/^site "demo" model im_[\w-]+ \(n-grams and all-MiniLM-L6-v2\)$/);
    expect(report.accuracy).toBeGreaterThan(0.7);
    expect(report.perIntent.store_hours.support).toBeGreaterThan(0);
    expect(report.oosRecall).toBeGreaterThan(0.3);

    const ngrams = await cli('train', TRAIN, '--ngrams-only');
    expect(ngrams.stdout).toMatch(/^8 intents from 230 rows \(ngrams\), trained in/m);
    expect(ngrams.stdout).not.toMatch(/from n-grams alone/);

    const shown = await cli('show');
    expect(shown.stdout).toMatch(/on the held-out tenth \(\d+ rows, never trained on\)/);
    expect(shown.stdout).toMatch(/lowest F1:/);
    const unsure = await cli('reset', '--site', 'demo');
    expect([unsure.code, unsure.stderr.trim()]).toEqual([2, 'intents: this deletes site "demo"\'s intent model and its labelled rows: add --yes']);
    expect((await cli('reset', '--site', 'demo', '--yes')).code).toBe(0);
    expect((await cli('reset', '--site', 'demo', '--yes')).code).toBe(1);
  }, 300_000);

  it('says what is wrong with a file, by line, and exits 2', async () => {
    const missing = await cli('train', 'nope.csv');
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'intents: no file "nope.csv"']);
    const wrong = await cli('train', 'demo/data/faq.csv');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/demo\/data\/faq\.csv needs the columns "text" and "label"/);
  }, 120_000);
});
