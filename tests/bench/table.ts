export interface Row {
  figure: string;
  value: string;
  baseline: string;
  baselineName: string;
  /** value / baseline where both are the same unit; null where a ratio means nothing. */
  ratio: number | null;
}

export function percentiles(samples: number[]): { p50: number; p95: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

export const ms = (x: number) => `${x.toFixed(2)} ms`;
export const pct = (p: { p50: number; p95: number; p99: number }) => `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)}`;

export function formatTable(rows: Row[]): string {
  const head = ['figure', 'value', 'baseline (same run)', 'baseline is', 'ratio'];
  const body = rows.map((r) => [r.figure, r.value, r.baseline, r.baselineName, r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join('\n');
}
