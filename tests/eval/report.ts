/** The reports as Markdown tables (pasted as they are into the README's Quality section). */
import type { AnswersReport } from './answers';
import { METRIC_NAMES, type QueryMetrics } from './metrics';
import type { RetrievalReport } from './retrieval';

export function markdownTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

const f3 = (x: number) => x.toFixed(3);
const msText = (x: number) => (Number.isNaN(x) ? '—' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);
const share = (n: number, of: number) => (of ? `${(n / of).toFixed(3)} (${n})` : '—');

export function formatRetrieval(r: RetrievalReport): string {
  const keys = Object.keys(METRIC_NAMES) as (keyof QueryMetrics)[];
  return markdownTable(
    ['retrieval', ...keys.map((k) => METRIC_NAMES[k]), 'p50', 'p95'],
    r.rows.map((row) => [row.system, ...keys.map((k) => f3(row.metrics[k])), msText(row.latency.p50), msText(row.latency.p95)]),
  );
}

export function formatAnswers(r: AnswersReport): string {
  const out: string[] = [];
  const a = r.answerable;
  if (a) {
    out.push(
      markdownTable(
        [`answerable (${a.n})`, 'first citation right', 'answered wrong', 'refused', 'sent to a person', 'cited, not retrieved', 'p50', 'p95'],
        [
          ['product (POST /v1/chat)', share(a.right, a.n), share(a.wrong, a.n), share(a.refused, a.n), share(a.person, a.n), String(r.notRetrieved), msText(a.latency.p50), msText(a.latency.p95)],
          ['product retrieval, top hit', share(a.retrievalTop1, a.n), share(a.n - a.retrievalTop1, a.n), '—', '—', '—', '', ''],
          ['BM25, top hit (baseline)', share(a.bm25Top1, a.n), share(a.n - a.bm25Top1, a.n), '—', '—', '—', '', ''],
        ],
      ),
    );
  }
  const u = r.unanswerable;
  if (u) {
    out.push(
      markdownTable(
        [`unanswerable (${u.n})`, 'refused, person offered', 'refused, no offer', 'answered (wrong)', 'sent to a person', 'p50', 'p95'],
        [['product (POST /v1/chat)', share(u.refusedOffer, u.n), share(u.refusedNoOffer, u.n), share(u.answered, u.n), share(u.person, u.n), msText(u.latency.p50), msText(u.latency.p95)]],
      ),
    );
  }
  const missed = Object.entries(r.missedIntents).sort((x, y) => y[1] - x[1]);
  if (missed.length) out.push(`answerable questions missed, by outcome:intent: ${missed.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  return out.join('\n\n');
}
