/** The configuration names .env.example documents: the only ones deploy files may set. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export function envExampleNames(): Set<string> {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
}

/** `SHUTDOWN_GRACE_MS=25000` in .env.example → 25000. */
export function envExampleDefault(name: string): string | undefined {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  return new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1];
}
