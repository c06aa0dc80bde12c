// The widget's bundles and the operators' pages' (agent inbox, admin page): `npm run build:sdk`. What
// each file is for: sdk/README.md, "Files". The widget is the `@support-chat/widget` package
// (sdk/); its files go to sdk/dist, and the operators' pages (served by the server, not published) to dist/.
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const SDK_DIST = here('sdk/dist');

const ts = (tsconfig = 'sdk/tsconfig.json', outDir = SDK_DIST) =>
  typescript({ tsconfig: here(tsconfig), outDir, sourceMap: true, inlineSources: false });
/**
 * `widget`: the widget's own files, where partysocket is bundled inside. It keeps its internals
 * in `_`-named properties (`_ws`, `_retryCount`, …), which get short names too (lit-html's own
 * `_$` names are a contract between its copies and stay), and its debug log, which the widget
 * never turns on, goes. Not for the module build, whose partysocket is the host app's import.
 */
const min = ({ widget = false } = {}) =>
  terser({
    ecma: 2021,
    module: true,
    compress: { passes: 2, pure_getters: true, ...(widget && { pure_funcs: ['this._debug'] }) },
    mangle: widget ? { properties: { regex: /^_(?!\$)/, keep_quoted: true } } : true,
    format: { comments: false },
  });
/**
 * partysocket's console messages that cannot show in the widget: no EventTarget or WebSocket
 * (Node, React Native; never a browser), and send() after close() (connection.ts sends only on
 * an open socket). About 0.4 KB of the open widget.
 */
const quietSocket = () => ({
  name: 'quiet-partysocket',
  transform(code, id) {
    if (!/node_modules\/partysocket\/dist\/ws\.js$/.test(id)) return null;
    return { code: code.replace(/console\.(?:error|warn)\(\s*(?:`(?:[^`\\]|\\[^])*`|"(?:[^"\\]|\\.)*")\s*\)/g, 'void 0'), map: null };
  },
});
const nodeResolve = () => resolve({ browser: true, exportConditions: ['production'] });

/** Drops the comments and collapses the whitespace of the CSS held in template strings (terser leaves strings alone). */
const css = () => ({
  name: 'minify-css',
  transform(code, id) {
    if (!/styles\.ts$/.test(id)) return null;
    const sheet = (body) =>
      body
        .replace(/\/\*[^]*?\*\//g, '')
        .replace(/\s*\n\s*/g, '')
        .replace(/\s*([{};,>])\s*/g, '$1')
        .replace(/;}/g, '}');
    const out = code.replace(/`([^`]*)`/g, (_, body) => '`' + sheet(body) + '`');
    return { code: out, map: null };
  },
});

/** `import text from 'x.css'`: the stylesheet as a string, for a shadow root to adopt (the admin page's uPlot). */
const cssText = () => ({
  name: 'css-text',
  load(id) {
    return id.endsWith('.css') ? `export default ${JSON.stringify(readFileSync(id, 'utf8'))};` : null;
  },
});

/** zod (the server's frame validation) and eval never reach a browser bundle. */
const clean = () => ({
  name: 'clean',
  generateBundle(_, bundle) {
    for (const c of Object.values(bundle)) {
      if (c.type !== 'chunk') continue;
      if (Object.keys(c.modules).some((m) => m.includes('node_modules/zod'))) this.error(`zod reached ${c.fileName}`);
      if (/\beval\(|new Function\(/.test(c.code)) this.error(`${c.fileName} uses eval or Function`);
    }
  },
});

/**
 * The script-tag build loads the standalone panel file, so it must not share code: besides the
 * element and the panel there are only the files the panel fetches beside it, languages and the
 * site owner's warning (which import nothing) and the hand-off (which imports only from the
 * panel, already loaded).
 */
const standalone = () => ({
  name: 'standalone',
  generateBundle(_, bundle) {
    const chunks = Object.values(bundle).filter((f) => f.type === 'chunk');
    const panel = chunks.find((c) => c.fileName === 'support-chat-panel.js');
    if (!panel) return;
    const others = chunks.filter((c) => c !== panel && c.fileName !== 'support-chat.js');
    const language = (c) => !c.imports.length && !c.dynamicImports.length && (c.fileName.startsWith('support-chat-locale-') || c.fileName === WARNING);
    const handoff = (c) => c.fileName === HANDOFF && c.imports.every((i) => i === panel.fileName) && !c.dynamicImports.length;
    if (panel.imports.length || !others.every((c) => language(c) || handoff(c))) this.error(`the panel chunk must not share code: ${chunks.map((c) => c.fileName)}`);
  },
});

/** Files the panel fetches keep what they hold in the name, beside it: support-chat-locale-es.js. */
const HANDOFF = 'support-chat-handoff.js';
const WARNING = 'support-chat-warning.js';
const chunkFileNames = (c) => {
  const id = c.facadeModuleId ?? '';
  if (id.includes('/panel/locales/')) return 'support-chat-locale-[name].js';
  if (id.endsWith('/panel/handoff.ts')) return HANDOFF;
  return id.endsWith('/panel/owner-warning.ts') ? WARNING : '[name].js';
};

/** The script tag reads the panel's URL from its own tag instead of a bundler's chunk graph. */
const iifeLoader = () => ({
  name: 'iife-panel-loader',
  resolveId(source, importer) {
    if (source === './load-panel' && importer?.includes('sdk/element')) return here('sdk/element/load-panel.iife.ts');
    return null;
  },
});

/** What a host app's bundler resolves from the package's dependencies (deduplicated with its own lit). */
const PEERS = /^(lit|lit-html|lit-element|@lit\/reactive-element|partysocket|react)(\/|$)/;

export default [
  // Standalone ES module: `<script type="module">` from a CDN or the server's /sdk/. Everything inside.
  {
    input: { 'support-chat': here('sdk/element/index.ts'), 'support-chat-panel': here('sdk/panel/index.ts') },
    output: { dir: SDK_DIST, format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames },
    // The hand-off file takes what it needs from the panel's own exports, not from a chunk between.
    preserveEntrySignatures: 'allow-extension',
    plugins: [css(), quietSocket(), nodeResolve(), ts(), min({ widget: true }), clean(), standalone()],
  },
  // The script tag: a classic script that loads the standalone panel from beside itself.
  {
    input: here('sdk/element/iife.ts'),
    output: { file: `${SDK_DIST}/support-chat.iife.js`, format: 'iife', sourcemap: true },
    plugins: [iifeLoader(), css(), quietSocket(), nodeResolve(), ts(), min({ widget: true }), clean(), standalone()],
  },
  // For bundlers (`import '@support-chat/widget'`): lit and partysocket stay imports, so the
  // host app's bundler resolves them from the package's dependencies.
  {
    input: {
      'support-chat': here('sdk/element/index.ts'),
      'support-chat-panel': here('sdk/panel/index.ts'),
      react: here('sdk/react/index.ts'),
    },
    external: (id) => PEERS.test(id),
    output: { dir: `${SDK_DIST}/module`, format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames },
    preserveEntrySignatures: 'allow-extension',
    plugins: [css(), nodeResolve(), ts('sdk/tsconfig.json', `${SDK_DIST}/module`), min(), clean()],
  },
  // The agent inbox (`/agent`): its own module, lit and the app only.
  {
    input: here('sdk/inbox/index.ts'),
    output: { file: here('dist/inbox.js'), format: 'es', sourcemap: true },
    plugins: [css(), nodeResolve(), ts('sdk/inbox/tsconfig.json', here('dist')), min(), clean()],
  },
  // The admin page (`/admin`): lit, uPlot and the app.
  {
    input: here('sdk/admin/index.ts'),
    output: { file: here('dist/admin.js'), format: 'es', sourcemap: true },
    plugins: [css(), cssText(), nodeResolve(), ts('sdk/admin/tsconfig.json', here('dist')), min(), clean()],
  },
  // One bundled .d.ts per entry; @lit/react's types are inlined because it is bundled, not a dependency.
  {
    input: { 'support-chat': here('sdk/element/index.ts'), react: here('sdk/react/index.ts') },
    output: { dir: SDK_DIST, format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: '[name]-[hash].d.ts' },
    external: (id) => PEERS.test(id),
    plugins: [dts({ tsconfig: here('sdk/tsconfig.json'), respectExternal: true })],
  },
];
