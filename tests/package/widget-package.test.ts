/**
 * The widget as people install it. `npm pack` makes the `@support-chat/widget` tarball (sdk/);
 * the test creates two apps in a temp folder, as a user would, and installs the tarball beside
 * the real toolchains from the npm registry: Vite + React 19 (the package's React wrapper,
 * type-checked with tsc) and Vite + Vue (its template checked with vue-tsc). Each is built with
 * `vite build`, served on its own origin, opened in Chromium, and asks a question the real server
 * answers with sources. The Svelte types are checked against Svelte's own, and the script tag is
 * loaded from the unpacked tarball laid out as a CDN serves it.
 *
 * The apps live outside the repository so nothing resolves from its node_modules: a dependency
 * the package forgot to declare fails here as it would for a user.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchBrowser, requireBrowser } from '../browser/browser';
import { ensureBuilt, ROOT } from '../browser/build';

const run = promisify(execFile);
const ADMIN = 'adm_package_test_token_0123456789';
const APPS = join(ROOT, 'tests/package/apps');
const SDK = join(ROOT, 'sdk');
const pkg = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
/** The versions this repository is tested with, so the apps' installs come from npm's cache after the first run. */
const version = (name: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

let work = '';
let tarball = '';
let packed: { path: string }[] = [];
let server: TestServer | undefined;
let browser: Browser | null = null;
const statics: Server[] = [];

async function npm(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, maxBuffer: 64 << 20, env: { ...process.env, NODE_ENV: 'development', npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' } });
  return stdout;
}

/** An app from tests/package/apps, with the tarball and its toolchain installed from the registry. */
async function makeApp(name: 'react' | 'vue' | 'svelte', deps: Record<string, string>, devDeps: Record<string, string>, build = true): Promise<string> {
  const dir = join(work, name);
  cpSync(join(APPS, name), dir, { recursive: true });
  const manifest = { name: `${name}-shop`, private: true, type: 'module', dependencies: { [pkg.name]: `file:${tarball}`, ...deps }, devDependencies: devDeps };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await npm(dir, 'install', '--prefer-offline');
  if (build) await run(join(dir, 'node_modules/.bin/vite'), ['build', '--logLevel', 'error'], { cwd: dir });
  return dir;
}

/** What a type checker in an app prints; empty when the app type-checks. */
const typeErrors = (dir: string, checker: string): Promise<string> =>
  run(join(dir, 'node_modules/.bin', checker), ['-p', '.'], { cwd: dir }).then(
    () => '',
    (err: { stdout?: string }) => err.stdout ?? String(err),
  );

/**
 * Serves a folder on its own loopback origin: an app's `vite build` output, or the unpacked
 * package laid out as jsDelivr and unpkg serve it (`/npm/<name>@<version>/<file>`, with the
 * `Access-Control-Allow-Origin: *` they send, which a module loaded across origins needs).
 */
async function serve(root: string, headers: Record<string, string> = {}): Promise<string> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const http = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', ...headers }).end(readFileSync(file));
  });
  statics.push(http);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

let react = '';
let vue = '';
let svelte = '';
let reactOrigin = '';
let vueOrigin = '';
let cdnOrigin = '';
let pageOrigin = '';
let cdnScript = '';

beforeAll(async () => {
  await ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'support-chat-apps-'));
  // The bundles are already built (ensureBuilt): prepack would rebuild them under other test files.
  const out = JSON.parse(await npm(ROOT, 'pack', '--json', '--ignore-scripts', '--workspace', pkg.name, '--pack-destination', work)) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, out[0].filename);
  packed = out[0].files;
  const tools = { vite: '^8.0.0', typescript: version('typescript') };
  [react, vue, svelte] = await Promise.all([
    makeApp('react', { react: version('react'), 'react-dom': version('react') }, { ...tools, '@vitejs/plugin-react': '^6.0.0', '@types/react': version('@types/react'), '@types/react-dom': '^19.0.0' }),
    makeApp('vue', { vue: '^3.5.0' }, { ...tools, '@vitejs/plugin-vue': '^6.0.0', 'vue-tsc': '^3.0.0' }),
    // Svelte's element typings only: the types are what the package adds for Svelte.
    makeApp('svelte', { svelte: '^5.0.0' }, { typescript: version('typescript') }, false),
  ]);
  // The tarball as a CDN has it, and a plain page on another origin with the CDN's script tag.
  const cdnRoot = join(work, 'cdn');
  const unpacked = join(cdnRoot, 'npm', `${pkg.name}@${pkg.version}`);
  mkdirSync(unpacked, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
  const page = join(work, 'page');
  mkdirSync(page);
  [reactOrigin, vueOrigin, cdnOrigin, pageOrigin] = await Promise.all([serve(join(react, 'dist')), serve(join(vue, 'dist')), serve(cdnRoot, { 'access-control-allow-origin': '*' }), serve(page)]);
  cdnScript = `${cdnOrigin}/npm/${pkg.name}@${pkg.version}/dist/support-chat.iife.js`;
  writeFileSync(join(page, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain shop</title></head><body><h1>Plain shop</h1>
<script src="${cdnScript}" data-site="demo" data-endpoint="ENDPOINT" async></script></body></html>`);
  const [started, launched] = await Promise.all([startTestServer({ ADMIN_TOKEN: ADMIN }), launchBrowser()]);
  server = started;
  // The apps' origins join the demo site's, as a site owner adds theirs.
  const res = await fetch(`${endpoint()}/v1/admin/sites/demo`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ addOrigins: [reactOrigin, vueOrigin, pageOrigin] }),
  });
  expect(res.status).toBe(200);
  // The page names the server only now that its port is known.
  const html = join(page, 'index.html');
  writeFileSync(html, readFileSync(html, 'utf8').replace('ENDPOINT', endpoint()));
  browser = requireBrowser(launched.browser, launched.why) ? launched.browser : null;
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.destroy();
  for (const s of statics) s.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const endpoint = () => `http://127.0.0.1:${server!.port}`;

describe(`the ${pkg.name} package, installed from its npm pack tarball`, () => {
  it('holds the built files, types and docs, and no sources; lit and partysocket are its only dependencies', () => {
    const files = packed.map((f) => f.path).sort();
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/support-chat.iife.js', 'dist/support-chat.js', 'dist/support-chat-panel.js', 'dist/support-chat.d.ts', 'dist/react.d.ts', 'dist/custom-elements.json', 'dist/module/support-chat.js', 'dist/module/support-chat-panel.js', 'dist/module/react.js', 'types/vue.d.ts', 'types/svelte.d.ts', 'types/jsx.d.ts']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /inbox|\.build-hash/.test(f))).toEqual([]);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['lit', 'partysocket']);
    // The bundler build leaves lit and partysocket to the app's bundler; the protocol is inside.
    const panel = readFileSync(join(react, 'node_modules', pkg.name, 'dist/module/support-chat-panel.js'), 'utf8');
    expect(panel).toMatch(/from"lit\//);
    expect(panel).toMatch(/from"partysocket\//);
    expect(panel).not.toContain('@support-chat/protocol');
  });

  it('type-checks a React app that uses its props, events and ref (tsc, with the types of every library checked)', async () => {
    expect(await typeErrors(react, 'tsc')).toBe('');
  }, 60_000);

  it("type-checks a Vue app's template against the package's Vue types (vue-tsc)", async () => {
    expect(await typeErrors(vue, 'vue-tsc')).toBe('');
  }, 60_000);

  it("types <support-chat> in Svelte markup through the package's Svelte types (tsc against svelte/elements)", async () => {
    expect(await typeErrors(svelte, 'tsc')).toBe('');
  }, 60_000);

  it('answers in a Vite + React 19 app through the React wrapper: ref.send(), onOpen and onAnswer', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await browser.newPage();
    try {
      await page.goto(`${reactOrigin}/?endpoint=${encodeURIComponent(endpoint())}`);
      await page.locator('support-chat .launcher').waitFor();
      await page.click('#ask');
      await page.locator('#count').filter({ hasText: '1 answers' }).waitFor({ timeout: 20_000 });
      const { answers, opened } = await page.evaluate(() => {
        const w = window as unknown as { __answers: { text: string; citations: unknown[] }[]; __opened: number };
        return { answers: w.__answers, opened: w.__opened };
      });
      expect(opened).toBe(1);
      expect(answers[0].text).toMatch(/60 days/);
      expect(answers[0].citations.length).toBeGreaterThan(0);
      // What the visitor sees: the answer in the panel, its source linked.
      const answer = page.locator('support-chat article.answer[aria-busy=false]').first();
      await expect.poll(() => answer.textContent()).toMatch(/60 days/);
      expect(await page.locator('support-chat').getAttribute('position')).toBe('bottom-left');
    } finally {
      await page.close();
    }
  }, 60_000);

  it('answers in a Vite + Vue app that uses the element directly (@support-chat-answer)', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await browser.newPage();
    try {
      await page.goto(`${vueOrigin}/?endpoint=${encodeURIComponent(endpoint())}`);
      // Inline: the panel is part of the page.
      await page.locator('support-chat textarea').waitFor();
      await page.locator('support-chat textarea').fill('How long do I have to return an item?');
      await page.locator('support-chat textarea').press('Enter');
      await page.locator('#count').filter({ hasText: '1 answers' }).waitFor({ timeout: 20_000 });
      const answers = await page.evaluate(() => (window as unknown as { __answers: { text: string; citations: unknown[] }[] }).__answers);
      expect(answers[0].text).toMatch(/60 days/);
      expect(answers[0].citations.length).toBeGreaterThan(0);
      // Through the app's bundler the panel stays a chunk of its own, fetched on first use.
      const js = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((n) => n.endsWith('.js')));
      expect(js.length).toBe(2);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('works from a CDN: the script tag from the unpkg/jsDelivr layout finds the panel beside it and answers', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await browser.newPage();
    try {
      await page.goto(pageOrigin);
      await page.locator('support-chat .launcher').click();
      await page.locator('support-chat textarea').fill('How long do I have to return an item?');
      await page.locator('support-chat textarea').press('Enter');
      const answer = page.locator('support-chat article.answer[aria-busy=false]').first();
      await answer.waitFor({ timeout: 20_000 });
      expect(await answer.textContent()).toMatch(/60 days/);
      // Both files came from the CDN's folder for this version.
      const files = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).filter((n) => n.endsWith('.js')));
      expect(files).toEqual([cdnScript, cdnScript.replace('support-chat.iife.js', 'support-chat-panel.js')]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
