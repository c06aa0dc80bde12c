/**
 * The widget package's public API, as users depend on it: attributes, properties, methods,
 * events, CSS custom properties and parts, read from the Custom Elements Manifest the build
 * writes (sdk/dist/custom-elements.json). `sdk/api.json` records the API of the version in
 * sdk/package.json; `npm test` fails when the built API differs from it (tests/unit/sdk/api.test.ts).
 *
 * `npm run api:accept` records a changed API, and only under a version that semver allows:
 * anything removed or changed is breaking (a major bump, or a minor one before 1.0), anything
 * only added needs a minor bump. Descriptions are not API: rewording docs needs no bump.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const MANIFEST = join(ROOT, 'sdk/dist/custom-elements.json');
export const RECORD = join(ROOT, 'sdk/api.json');
export const PACKAGE = join(ROOT, 'sdk/package.json');
export const CHANGELOG = join(ROOT, 'sdk/CHANGELOG.md');

export interface ApiRecord {
  version: string;
  api: string[];
}

type Named = { name: string; type?: { text: string }; privacy?: string; static?: boolean; readonly?: boolean; kind?: string; parameters?: Named[]; return?: { type?: { text: string } } };
type Decl = { tagName?: string; customElement?: boolean; attributes?: Named[]; members?: Named[]; events?: Named[]; cssProperties?: Named[]; cssParts?: Named[]; slots?: Named[] };

/** One line per thing a user can touch, with its type where the manifest knows it. */
export function surface(manifest: { modules: { declarations?: Decl[] }[] }): string[] {
  const out: string[] = [];
  const t = (x: Named) => (x.type?.text ? `: ${x.type.text}` : '');
  for (const d of manifest.modules.flatMap((m) => m.declarations ?? [])) {
    if (!d.customElement || !d.tagName) continue;
    const tag = `<${d.tagName}>`;
    out.push(`${tag} element`);
    for (const a of d.attributes ?? []) out.push(`${tag} attribute ${a.name}${t(a)}`);
    for (const m of d.members ?? []) {
      if (m.privacy === 'private' || m.privacy === 'protected' || m.name.startsWith('#')) continue;
      // `@internal` members are hidden from the manifest's public view by the analyzer's jsdoc; the rest is API.
      if (m.kind === 'method') {
        const params = (m.parameters ?? []).map((p) => `${p.name}${t(p)}`).join(', ');
        out.push(`${tag} ${m.static ? 'static ' : ''}method ${m.name}(${params})${m.return?.type?.text ? `: ${m.return.type.text}` : ''}`);
      } else out.push(`${tag} ${m.static ? 'static ' : ''}${m.readonly ? 'readonly ' : ''}property ${m.name}${t(m)}`);
    }
    for (const e of d.events ?? []) out.push(`${tag} event ${e.name}${t(e)}`);
    for (const c of d.cssProperties ?? []) out.push(`${tag} css-property ${c.name}`);
    for (const p of d.cssParts ?? []) out.push(`${tag} css-part ${p.name}`);
    for (const s of d.slots ?? []) out.push(`${tag} slot ${s.name || '(default)'}`);
  }
  return [...new Set(out)].sort();
}

export function diff(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const a = new Set(after);
  const b = new Set(before);
  return { added: after.filter((x) => !b.has(x)), removed: before.filter((x) => !a.has(x)) };
}

const parse = (v: string) => {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-.+)?$/.exec(v);
  if (!m) throw new Error(`"${v}" is not a semver version`);
  return [Number(m[1]), Number(m[2]), Number(m[3])] as const;
};
const cmp = (a: string, b: string) => {
  const [x, y] = [parse(a), parse(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

/** The smallest version a change allows after `from`: breaking → major (minor before 1.0), added → minor (patch before 1.0). */
export function required(from: string, change: { added: string[]; removed: string[] }): string | null {
  const [major, minor, patch] = parse(from);
  if (change.removed.length) return major === 0 ? `0.${minor + 1}.0` : `${major + 1}.0.0`;
  if (change.added.length) return major === 0 ? `0.${minor}.${patch + 1}` : `${major}.${minor + 1}.0`;
  return null;
}

export const read = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** What is wrong, in words a contributor can act on; null when the package's API and version agree. */
export function verdict(record: ApiRecord, version: string, changelog: string, now: string[]): string | null {
  const change = diff(record.api, now);
  if (cmp(version, record.version) < 0) return `sdk/package.json's version ${version} is below the recorded ${record.version} (sdk/api.json)`;
  if (!new RegExp(`^## ${version.replace(/\./g, '\\.')}\\b`, 'm').test(changelog)) return `sdk/CHANGELOG.md has no "## ${version}" entry for the package's version`;
  const need = required(record.version, change);
  if (!need) return null;
  const lines = [...change.removed.map((x) => `  - ${x}`), ...change.added.map((x) => `  + ${x}`)].join('\n');
  const kind = change.removed.length ? 'a breaking change' : 'an addition';
  return (
    `the widget's public API changed since ${record.version} (${kind}):\n${lines}\n` +
    (cmp(version, need) >= 0
      ? `sdk/package.json is at ${version}: record the API with \`npm run api:accept\`.`
      : `it needs version ${need} or later: bump sdk/package.json's version, add a "## ${need}" entry to sdk/CHANGELOG.md, then run \`npm run api:accept\`.`)
  );
}

/** The verdict on the built package (sdk/dist must be built). */
export function check(): string | null {
  return verdict(read<ApiRecord>(RECORD), read<{ version: string }>(PACKAGE).version, readFileSync(CHANGELOG, 'utf8'), surface(read(MANIFEST)));
}

/** Records the built API under the package's version, if that version allows the change. */
export function accept(): string {
  const { version: first } = read<{ version: string }>(PACKAGE);
  // The first release has nothing to compare with.
  const record = existsSync(RECORD) ? read<ApiRecord>(RECORD) : null;
  const version = first;
  const now = surface(read(MANIFEST));
  const need = record ? required(record.version, diff(record.api, now)) : null;
  if (need && cmp(version, need) < 0) throw new Error(`the API changed: the package needs version ${need} or later (it is ${version})`);
  writeFileSync(RECORD, `${JSON.stringify({ version, api: now }, null, 2)}\n`);
  if (!record) return `recorded the API of ${version}, the first release`;
  return need ? `recorded the API of ${version}` : `the API is unchanged since ${record.version}; recorded under ${version}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv[2] === 'accept') console.log(accept());
    else {
      const problem = check();
      console.log(problem ?? 'the widget API matches sdk/api.json');
      process.exitCode = problem ? 1 : 0;
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
