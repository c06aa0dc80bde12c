/**
 * Runs deploy/Dockerfile's steps without a container engine, in a fresh folder: the same RUN
 * commands, the same COPYs filtered by .dockerignore, each stage in its own folder standing in
 * for the container's `/`. Then it starts the image's CMD there, waits for the HEALTHCHECK
 * command to pass, sends SIGTERM to node (PID 1 in the image) and expects a clean exit.
 * CI runs it on every push (.ci/run), so a Dockerfile that no longer builds or starts fails there
 * even on machines without Docker.
 *
 *   npm run image:steps                 # build in a temp folder, start, check, remove
 *   npm run image:steps -- --keep DIR   # build into DIR and keep it
 *
 * What a folder cannot stand in for, and so is left to a real engine: the base image (the
 * host's Node runs; its major version must match the FROM tag), system packages (`apt-get`
 * lines are checked as installed on the host, not installed), and users (`--chown`, `USER`).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { freePort } from './local/free-port';
import { contextFiles, picked } from './image/context';
import { envPairs, execForm, healthcheck, parseDockerfile, type Stage } from './image/dockerfile';

const ROOT = resolve(import.meta.dirname, '..');
const DOCKERFILE = join(ROOT, 'deploy/Dockerfile');

const say = (s: string) => process.stderr.write(`image-steps: ${s}\n`);

/** Host packages an `apt-get install` line asks for that dpkg does not have. */
function missingPackages(run: string): string[] {
  const install = /apt-get install ([^&;]+)/.exec(run)?.[1] ?? '';
  const pkgs = install.split(/\s+/).filter((t) => t && !t.startsWith('-'));
  return pkgs.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
}

interface Built {
  /** The final stage's folder (its `/`). */
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
  health: string[];
  startPeriodMs: number;
}

function build(stages: Stage[], out: string): Built {
  const dirs = new Map<string, string>();
  /** What a stage built FROM an earlier one inherits: its working directory (under `/`) and environment. */
  const config = new Map<string, { workdir: string; env: Record<string, string> }>();
  const files = contextFiles(ROOT);
  let last: Built | undefined;
  for (const stage of stages) {
    const root = join(out, stage.name);
    const base = dirs.get(stage.from);
    if (base) cpSync(base, root, { recursive: true, verbatimSymlinks: true });
    else {
      mkdirSync(root, { recursive: true });
      const want = /^node:(\d+)/.exec(stage.from)?.[1];
      if (want && process.versions.node.split('.')[0] !== want) throw new Error(`${stage.from} is Node ${want}; this host runs Node ${process.versions.node}`);
      say(`stage ${stage.name}: from ${stage.from} (the host's Node ${process.versions.node} stands in)`);
    }
    dirs.set(stage.name, root);
    const inside = (p: string, cwd: string) => (p.startsWith('/') ? join(root, p) : join(cwd, p));
    const parent = config.get(stage.from);
    let cwd = join(root, parent?.workdir ?? '/');
    const env: Record<string, string> = { ...parent?.env };
    let cmd: string[] = [];
    let health: string[] = [];
    let startPeriodMs = 60_000;
    for (const step of stage.steps) {
      switch (step.op) {
        case 'WORKDIR':
          cwd = inside(step.args.trim(), cwd);
          mkdirSync(cwd, { recursive: true });
          break;
        case 'ENV':
          Object.assign(env, envPairs(step.args));
          break;
        case 'COPY': {
          const parts = step.args.trim().split(/\s+/);
          const dest = inside(parts.pop()!, cwd);
          const from = step.flags.from;
          for (const src of parts) {
            if (from) {
              const at = dirs.get(from);
              if (!at) throw new Error(`line ${step.line}: no stage ${from}`);
              cpSync(join(at, src), dest, { recursive: true, verbatimSymlinks: true });
            } else {
              const prefix = src === '.' ? '' : src.replace(/\/$/, '');
              const chosen = picked(files, src);
              if (!chosen.length) throw new Error(`line ${step.line}: COPY ${src}: nothing in the build context (or .dockerignore hides it)`);
              for (const f of chosen) {
                const target = prefix === f ? (parts.length > 1 || step.args.trim().endsWith('/') ? join(dest, f.split('/').pop()!) : dest) : join(dest, relative(prefix, f));
                mkdirSync(dirname(target), { recursive: true });
                cpSync(join(ROOT, f), target);
              }
            }
          }
          break;
        }
        case 'RUN': {
          if (/^apt-get\b/.test(step.args.trim())) {
            const missing = missingPackages(step.args);
            if (missing.length) throw new Error(`line ${step.line} needs system packages this host lacks: apt-get install -y ${missing.join(' ')}`);
            say(`stage ${stage.name}: system packages present on the host (line ${step.line})`);
            break;
          }
          say(`stage ${stage.name}: RUN ${step.args}`);
          const started = Date.now();
          execFileSync('sh', ['-c', step.args], { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? out, ...env } });
          say(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          break;
        }
        case 'CMD':
          cmd = execForm(step.args) ?? ['sh', '-c', step.args];
          break;
        case 'HEALTHCHECK': {
          const h = healthcheck(step);
          health = h.argv;
          startPeriodMs = Number.parseInt(h.options['start-period'] ?? '60', 10) * 1000;
          break;
        }
        default:
          // USER, EXPOSE, VOLUME, STOPSIGNAL: what a container engine does with them a folder cannot.
          break;
      }
    }
    config.set(stage.name, { workdir: relative(root, cwd), env });
    last = { root, workdir: cwd, env, cmd, health, startPeriodMs };
  }
  if (!last) throw new Error('deploy/Dockerfile has no stage');
  return last;
}

async function startAndCheck(image: Built): Promise<void> {
  const port = await freePort();
  // Paths the image names under its own root live under the stage folder here.
  const mapped = Object.fromEntries(Object.entries(image.env).map(([k, v]) => [k, v.startsWith('/') && !v.startsWith('/usr') ? join(image.root, v) : v]));
  const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? image.root, ...mapped, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  say(`starting ${JSON.stringify(image.cmd)} on port ${port}`);
  const server = spawn(image.cmd[0]!, image.cmd.slice(1), { cwd: image.workdir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
  try {
    const waitMs = image.startPeriodMs + 30_000;
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode} before it was healthy`);
      if (spawnSync(image.health[0]!, image.health.slice(1), { env, stdio: 'ignore', timeout: 5000 }).status === 0) break;
      if (Date.now() > deadline) throw new Error(`the HEALTHCHECK did not pass within ${waitMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    say('HEALTHCHECK passes');
    const page = await fetch(`http://127.0.0.1:${port}/`);
    if (!page.ok) throw new Error(`GET / answered ${page.status}`);
    server.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 40_000))]);
    if (code !== 0) throw new Error(`on SIGTERM the server ${code === 'hung' ? 'did not exit within 40 s' : `exited with ${code}`}`);
    say('SIGTERM: drained and exited 0');
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
  }
}

async function main() {
  const keep = process.argv.indexOf('--keep');
  const out = keep > 0 ? resolve(process.argv[keep + 1] ?? 'image-steps') : mkdtempSync(join(tmpdir(), 'image-steps-'));
  if (existsSync(out) && statSync(out).isDirectory() && readdirSync(out).length && keep > 0) throw new Error(`${out} is not empty`);
  const started = Date.now();
  try {
    const image = build(parseDockerfile(readFileSync(DOCKERFILE, 'utf8')), out);
    writeFileSync(join(out, 'image.json'), JSON.stringify(image, null, 2));
    say(`built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${image.root}`);
    await startAndCheck(image);
  } finally {
    if (keep < 0) rmSync(out, { recursive: true, force: true });
  }
}

main().catch((err) => {
  say(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
