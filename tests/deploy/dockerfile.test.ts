/**
 * What deploy/Dockerfile promises, read without a container engine: several stages, a
 * non-root user, a health check on /readyz, node itself as PID 1, and COPYs that find their
 * files in the build context after .dockerignore. (`npm run image:steps`, in CI, runs it.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextFiles, picked } from '../../scripts/image/context';
import { envPairs, execForm, healthcheck, parseDockerfile } from '../../scripts/image/dockerfile';
import { envExampleNames, ROOT } from './env-names';

const stages = parseDockerfile(readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8'));
const runtime = stages.at(-1)!;
const last = (op: string) => runtime.steps.filter((s) => s.op === op).at(-1);

describe('deploy/Dockerfile', () => {
  it('builds in stages: build tools and dev dependencies stay out of the final image', () => {
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'runtime']);
    expect(runtime.from).toBe(stages[0]!.from);
    const runs = runtime.steps.filter((s) => s.op === 'RUN').map((s) => s.args);
    expect(runs.join('\n')).not.toMatch(/apt-get|npm (ci|install)/);
    expect(stages[0]!.steps.find((s) => s.op === 'RUN' && s.args.startsWith('npm ci'))?.args).toMatch(/--omit=dev/);
  });

  it('runs as an unprivileged user', () => {
    expect(last('USER')?.args).toBe('node');
    const copies = runtime.steps.filter((s) => s.op === 'COPY');
    expect(copies.every((c) => c.flags.chown === 'node:node')).toBe(true);
  });

  it('has node as PID 1 (no npm, no shell), so SIGTERM reaches the server', () => {
    const cmd = execForm(last('CMD')!.args);
    expect(cmd?.[0]).toBe('node');
    expect(cmd).toContain('edge/runtime/node/main.ts');
    expect(last('STOPSIGNAL')?.args).toBe('SIGTERM');
  });

  it('checks health on /readyz of the port it listens on', () => {
    const h = healthcheck(last('HEALTHCHECK')!);
    expect(h.argv[0]).toBe('node');
    expect(h.argv.join(' ')).toMatch(/\/readyz/);
    expect(h.argv.join(' ')).toMatch(/process\.env\.PORT/);
    const env = Object.assign({}, ...runtime.steps.filter((s) => s.op === 'ENV').map((s) => envPairs(s.args)));
    expect(last('EXPOSE')?.args).toBe(env.PORT);
  });

  it('sets only settings .env.example documents', () => {
    const known = envExampleNames();
    const names = stages.flatMap((st) => st.steps.filter((s) => s.op === 'ENV').flatMap((s) => Object.keys(envPairs(s.args))));
    expect(names.filter((n) => !known.has(n) && n !== 'NODE_ENV')).toEqual([]);
  });

  it('copies only what the build context has after .dockerignore, and never secrets or local data', () => {
    const files = contextFiles(ROOT);
    for (const st of stages) {
      for (const c of st.steps.filter((s) => s.op === 'COPY' && !s.flags.from)) {
        const srcs = c.args.split(/\s+/).slice(0, -1);
        for (const src of srcs) expect(picked(files, src), `COPY ${src} (line ${c.line})`).not.toEqual([]);
      }
    }
    expect(files.filter((f) => /^(node_modules|\.data|tests|\.git)\//.test(f) || f === '.env')).toEqual([]);
    expect(files).toContain('edge/runtime/node/main.ts');
  });
});

describe('the Dockerfile reader', () => {
  it('joins continued lines, substitutes ARGs and keeps flags apart', () => {
    const [s] = parseDockerfile('ARG BASE=node:20\nFROM ${BASE} AS one\n# note\nRUN a \\\n  && b\nCOPY --from=x --chown=u:g /a b\n');
    expect(s).toMatchObject({ name: 'one', from: 'node:20' });
    expect(s!.steps[0]).toMatchObject({ op: 'RUN', args: 'a && b', line: 4 });
    expect(s!.steps[1]).toMatchObject({ op: 'COPY', args: '/a b', flags: { from: 'x', chown: 'u:g' } });
  });

  it('refuses an instruction it does not understand, rather than skipping it', () => {
    expect(() => parseDockerfile('FROM node:20\nONBUILD RUN x\n')).toThrow(/line 2: ONBUILD/);
    expect(() => parseDockerfile('RUN x\n')).toThrow(/before FROM/);
  });
});
