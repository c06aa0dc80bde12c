/**
 * The core compiles without Node's types (tsconfig.core.json): a `node:` import or `process`
 * there fails here, not on Workers in production.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const run = (project: string) =>
  promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: root }).then(
    () => '',
    (err: { stdout?: string }) => err.stdout ?? String(err),
  );
const probeDir = mkdtempSync(join(tmpdir(), 'core-probe-'));
afterAll(() => rmSync(probeDir, { recursive: true, force: true }));

describe('the runtime-free core (tsconfig.core.json)', () => {
  it('compiles without Node types', async () => {
    expect(await run(join(root, 'tsconfig.core.json'))).toBe('');
  }, 120_000);

  it('rejects a node: import and process under the same settings', async () => {
    writeFileSync(join(probeDir, 'probe.ts'), "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\nexport const env = process.env;\n");
    writeFileSync(join(probeDir, 'tsconfig.json'), JSON.stringify({ extends: join(root, 'tsconfig.core.json'), include: [join(probeDir, 'probe.ts')], exclude: [] }));
    const out = await run(join(probeDir, 'tsconfig.json'));
    expect(out).toMatch(/Cannot find module 'node:fs'/);
    expect(out).toMatch(/Cannot find name 'process'/);
  }, 120_000);
});
