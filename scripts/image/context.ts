/** The build context as a container engine sees it: the repository minus what .dockerignore hides. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import dockerignore from '@balena/dockerignore';

/** Every file .dockerignore lets through, relative to `context`. */
export function contextFiles(context: string): string[] {
  const ig = dockerignore().add(readFileSync(join(context, '.dockerignore'), 'utf8').split('\n'));
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(context, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (ig.ignores(p)) continue;
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk('');
  return out;
}

/** The context files a `COPY <src>` picks: `.` is everything, a folder its files, a file itself. */
export function picked(files: string[], src: string): string[] {
  const prefix = src === '.' ? '' : src.replace(/\/$/, '');
  return files.filter((f) => !prefix || f === prefix || f.startsWith(`${prefix}/`));
}
