// The widget's bundles: `npm run build:sdk`. What each file is for: README.md, "Files (`npm run build:sdk`…)".
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const ts = () => typescript({ tsconfig: here('sdk/tsconfig.json'), outDir: 'dist', sourceMap: true, inlineSources: false });
const min = () =>
  terser({ ecma: 2021, module: true, compress: { passes: 2, pure_getters: true }, format: { comments: false } });

/** Collapses the whitespace of the CSS held in template strings (terser leaves strings alone). */
const css = () => ({
  name: 'minify-css',
  transform(code, id) {
    if (!/styles\.ts$/.test(id)) return null;
    const out = code.replace(/`([^`]*)`/g, (_, body) => '`' + body.replace(/\s*\n\s*/g, '').replace(/\s*([{};,>])\s*/g, '$1') + '`');
    return { code: out, map: null };
  },
});

/** The guarantees the embed depends on, checked on every build. */
const guard = () => ({
  name: 'guard',
  generateBundle(_, bundle) {
    const chunks = Object.values(bundle).filter((f) => f.type === 'chunk');
    for (const c of chunks) {
      if (Object.keys(c.modules).some((m) => m.includes('node_modules/zod'))) this.error(`zod reached ${c.fileName}`);
      if (/\beval\(|new Function\(/.test(c.code)) this.error(`${c.fileName} uses eval or Function`);
    }
    const panel = chunks.find((c) => c.fileName === 'support-chat-panel.js');
    // The script-tag build loads this same file, so it must stand alone.
    if (panel && (panel.imports.length || chunks.length !== 2)) this.error(`the panel chunk must not share code: ${chunks.map((c) => c.fileName)}`);
  },
});

/** The script tag reads the panel's URL from its own tag instead of a bundler's chunk graph. */
const iifeLoader = () => ({
  name: 'iife-panel-loader',
  resolveId(source, importer) {
    if (source === './load-panel' && importer?.includes('sdk/element')) return here('sdk/element/load-panel.iife.ts');
    return null;
  },
});

/** The agent inbox (`/agent`): its own module, lit and the app only. */
const inboxGuard = () => ({
  name: 'inbox-guard',
  generateBundle(_, bundle) {
    for (const c of Object.values(bundle)) {
      if (c.type !== 'chunk') continue;
      if (Object.keys(c.modules).some((m) => m.includes('node_modules/zod'))) this.error(`zod reached ${c.fileName}`);
      if (/\beval\(|new Function\(/.test(c.code)) this.error(`${c.fileName} uses eval or Function`);
    }
  },
});

export default [
  {
    input: { 'support-chat': here('sdk/element/index.ts'), 'support-chat-panel': here('sdk/panel/index.ts') },
    output: { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js' },
    plugins: [css(), resolve({ browser: true, exportConditions: ['production'] }), ts(), min(), guard()],
  },
  {
    input: here('sdk/element/iife.ts'),
    output: { file: 'dist/support-chat.iife.js', format: 'iife', sourcemap: true },
    plugins: [iifeLoader(), css(), resolve({ browser: true, exportConditions: ['production'] }), ts(), min(), guard()],
  },
  {
    input: here('sdk/inbox/index.ts'),
    output: { file: 'dist/inbox.js', format: 'es', sourcemap: true },
    plugins: [
      css(),
      resolve({ browser: true, exportConditions: ['production'] }),
      typescript({ tsconfig: here('sdk/inbox/tsconfig.json'), outDir: 'dist', sourceMap: true, inlineSources: false }),
      min(),
      inboxGuard(),
    ],
  },
  {
    input: here('sdk/element/index.ts'),
    output: { file: 'dist/support-chat.d.ts', format: 'es' },
    plugins: [dts({ tsconfig: here('sdk/tsconfig.json') })],
  },
];
