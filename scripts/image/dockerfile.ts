/**
 * Reads deploy/Dockerfile into stages and instructions: the image-steps script runs them without
 * a container engine, and the tests check what the image promises (non-root, health check, node
 * as PID 1). Only the instructions this project's Dockerfile uses are understood; any other is an
 * error, so a new one cannot slip past both.
 */
export interface Instruction {
  op: 'RUN' | 'COPY' | 'ENV' | 'WORKDIR' | 'USER' | 'EXPOSE' | 'VOLUME' | 'HEALTHCHECK' | 'STOPSIGNAL' | 'CMD';
  /** The text after the keyword and its flags, ARGs substituted. */
  args: string;
  /** `--from=build` → { from: 'build' }. */
  flags: Record<string, string>;
  line: number;
}

export interface Stage {
  name: string;
  /** A base image, or the name of an earlier stage. */
  from: string;
  steps: Instruction[];
}

const KNOWN = new Set(['RUN', 'COPY', 'ENV', 'WORKDIR', 'USER', 'EXPOSE', 'VOLUME', 'HEALTHCHECK', 'STOPSIGNAL', 'CMD']);

export function parseDockerfile(text: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const sub = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => args[a ?? b] ?? m);
  for (const { text: l, line } of logicalLines(text)) {
    const [, kw, rest = ''] = /^(\w+)\s*(.*)$/s.exec(l) ?? [];
    const op = kw!.toUpperCase();
    if (op === 'ARG') {
      const [, name, value = ''] = /^(\w+)(?:=(.*))?$/.exec(rest.trim()) ?? [];
      if (!name) throw new Error(`line ${line}: ARG needs a name`);
      args[name] = value;
    } else if (op === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest.trim()) ?? [];
      if (!image) throw new Error(`line ${line}: FROM needs an image`);
      stages.push({ name: name ?? String(stages.length), from: sub(image), steps: [] });
    } else if (KNOWN.has(op)) {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`line ${line}: ${op} before FROM`);
      const flags: Record<string, string> = {};
      let body = rest;
      for (let m; (m = /^--([\w-]+)=(\S+)\s+/.exec(body)); body = body.slice(m[0].length)) flags[m[1]!] = m[2]!;
      stage.steps.push({ op: op as Instruction['op'], args: op === 'RUN' ? body : sub(body), flags, line });
    } else {
      throw new Error(`line ${line}: ${op} is not an instruction scripts/image/dockerfile.ts understands`);
    }
  }
  return stages;
}

/** Comments dropped, backslash continuations joined; `line` is where each instruction starts. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (l.startsWith('#') || (!l && !buf)) return;
    if (!buf) start = i + 1;
    buf += (buf ? ' ' : '') + l.replace(/\\$/, '').trim();
    if (!l.endsWith('\\')) {
      out.push({ text: buf, line: start });
      buf = '';
    }
  });
  return out;
}

/** `["node", "x"]` (exec form) → argv; shell form → null. */
export function execForm(args: string): string[] | null {
  if (!args.trim().startsWith('[')) return null;
  const v: unknown = JSON.parse(args);
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : null;
}

/** `A=1 B="x y"` → { A: '1', B: 'x y' }. */
export function envPairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/(\w+)=("([^"]*)"|\S*)/g)) out[m[1]!] = m[3] ?? m[2]!;
  return out;
}

/** `HEALTHCHECK --interval=15s CMD ["node", …]` → the command and its options. */
export function healthcheck(step: Instruction): { options: Record<string, string>; argv: string[] } {
  const m = /^CMD\s+(.*)$/s.exec(step.args.trim());
  const argv = m ? execForm(m[1]!) : null;
  if (!argv) throw new Error(`line ${step.line}: HEALTHCHECK needs CMD in exec form`);
  return { options: step.flags, argv };
}
