/** What ingest reports while it runs, and what it returns when done. */
import type { SkippedFile } from './walk';

export interface IngestSummary {
  siteId: string;
  /** Files read (parsed or failed); unsupported and hidden ones are in `skipped`. */
  files: number;
  skipped: SkippedFile[];
  documents: { added: number; updated: number; unchanged: number; removed: number };
  /** Chunks embedded and stored by this run (0 when nothing changed). */
  chunks: number;
  products: number;
  orders: number;
  failed: { file: string; error: string }[];
  warnings: string[];
  ms: number;
}

export type ProgressEvent =
  | { type: 'start'; files: number; skipped: SkippedFile[] }
  | {
      type: 'file';
      file: string;
      done: number;
      total: number;
      ok: boolean;
      /** Documents in the file, and how many of them are new or changed. */
      documents: number;
      changed: number;
      products: number;
      orders: number;
      error?: string;
    }
  | { type: 'embed'; done: number; total: number }
  | { type: 'done'; summary: IngestSummary };

/** One line for a log or a non-interactive terminal. */
export function describeProgress(e: ProgressEvent): string {
  switch (e.type) {
    case 'start':
      return `ingest: ${e.files} file${e.files === 1 ? '' : 's'} to read` + (e.skipped.length ? `, ${e.skipped.length} skipped` : '');
    case 'file': {
      if (!e.ok) return `[${e.done}/${e.total}] ${e.file}: FAILED ${e.error ?? ''}`.trimEnd();
      const parts = [];
      if (e.documents || (!e.products && !e.orders)) parts.push(`${plural(e.documents, 'document')} (${e.changed} new or changed)`);
      if (e.products) parts.push(plural(e.products, 'product'));
      if (e.orders) parts.push(plural(e.orders, 'order'));
      return `[${e.done}/${e.total}] ${e.file}: ${parts.join(', ')}`;
    }
    case 'embed':
      return `embedded ${e.done}/${e.total} chunks`;
    case 'done':
      return `ingest done in ${e.summary.ms} ms`;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function chunksPerSecond(summary: IngestSummary): number {
  return summary.ms > 0 ? Math.round((summary.chunks / summary.ms) * 1000) : 0;
}

export function formatSummary(s: IngestSummary): string {
  const d = s.documents;
  const lines = [
    `site:      ${s.siteId}`,
    `files:     ${s.files} read` + (s.skipped.length ? `, ${s.skipped.length} skipped` : ''),
    `documents: ${d.added} added, ${d.updated} updated, ${d.unchanged} unchanged, ${d.removed} removed`,
    `chunks:    ${s.chunks} embedded`,
    `products:  ${s.products}`,
    `orders:    ${s.orders}`,
    `time:      ${(s.ms / 1000).toFixed(2)} s (${chunksPerSecond(s)} chunks/s)`,
  ];
  for (const skip of s.skipped) lines.push(`skipped:   ${skip.source} (${skip.reason})`);
  for (const w of s.warnings) lines.push(`warning:   ${w}`);
  if (s.failed.length) {
    lines.push(`failed:    ${s.failed.length} file${s.failed.length === 1 ? '' : 's'}`);
    for (const f of s.failed) lines.push(`  ${f.file}: ${f.error}`);
  }
  return lines.join('\n');
}
