import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../browser/build';
import { CHANGELOG, check, diff, MANIFEST, PACKAGE, read, RECORD, required, surface, verdict, type ApiRecord } from '../../../scripts/widget-api';

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

describe("the widget package's public API and its version (sdk/api.json)", () => {
  it('the built API is the one recorded for the version in sdk/package.json, and the changelog has that version', () => {
    expect(check()).toBeNull();
    const record = read<ApiRecord>(RECORD);
    expect(record.api).toContain('<support-chat> method send(text: string): void');
    expect(record.api).toContain('<support-chat> event support-chat-answer');
  });

  it('fails a changed API that kept its version, naming what changed and the version it needs', () => {
    const record = read<ApiRecord>(RECORD);
    const { version } = read<{ version: string }>(PACKAGE);
    const changelog = readFileSync(CHANGELOG, 'utf8');
    const now = surface(read(MANIFEST));
    const removed = now.filter((x) => x !== '<support-chat> attribute theme');
    const major = Number(record.version.split('.')[0]);
    const msg = verdict(record, version, changelog, removed)!;
    expect(msg).toContain('- <support-chat> attribute theme');
    expect(msg).toContain('a breaking change');
    expect(msg).toContain(`needs version ${major === 0 ? '0.' : `${major + 1}.0.0`}`);
    const added = verdict(record, version, changelog, [...now, '<support-chat> attribute avatar'])!;
    expect(added).toContain('+ <support-chat> attribute avatar');
    expect(added).toContain('an addition');
    // Bumped, the change only waits to be recorded.
    const next = required(record.version, diff(record.api, [...now, '<support-chat> attribute avatar']))!;
    expect(verdict(record, next, `${changelog}\n## ${next}\n`, [...now, '<support-chat> attribute avatar'])).toMatch(/npm run api:accept/);
    expect(verdict(record, next, changelog, now)).toMatch(/no "## .*" entry/);
  });

  it('asks semver for the bump: breaking → major (minor before 1.0), added → minor (patch before 1.0), docs → none', () => {
    expect(required('1.4.2', { added: [], removed: ['x'] })).toBe('2.0.0');
    expect(required('1.4.2', { added: ['x'], removed: [] })).toBe('1.5.0');
    expect(required('1.4.2', { added: [], removed: [] })).toBeNull();
    expect(required('0.3.1', { added: ['y'], removed: ['x'] })).toBe('0.4.0');
    expect(required('0.3.1', { added: ['y'], removed: [] })).toBe('0.3.2');
  });

  it('reads types into the API, not descriptions', () => {
    const el = (description: string, type: string) => ({ modules: [{ declarations: [{ customElement: true, tagName: 'x-y', attributes: [{ name: 'a', description, type: { text: type } }] }] }] });
    expect(surface(el('one', 'string'))).toEqual(surface(el('two', 'string')));
    expect(surface(el('one', 'string'))).not.toEqual(surface(el('one', 'number')));
  });
});
