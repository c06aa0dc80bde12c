/**
 * What operating costs: the same embedded process and load with logs at info as JSON (pino),
 * Prometheus metrics counted (METRICS_TOKEN) and every answer traced to a local OTLP collector,
 * against all of them off. Off and on alternate twice, so a slow moment of the machine lands
 * on both sides; each side reports its better round.
 */
import { startOtlpFake } from '../fakes/otlp-server';
import { NO_LIMITS } from '../helpers/limits';
import { startNodeProcess } from '../helpers/node-process';
import { CONVERSATIONS, measureLoad, type LoadFigures } from './load';
import { ms, percentiles, type Row } from './table';

export async function benchObservability(): Promise<{ rows: Row[]; notes: string[] }> {
  const otlp = await startOtlpFake();
  const on = { METRICS_TOKEN: 'bench-metrics-token-0123', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
  const best: Record<'off' | 'on', LoadFigures | null> = { off: null, on: null };
  try {
    for (let round = 0; round < 2; round++) {
      for (const side of ['off', 'on'] as const) {
        const p = await startNodeProcess({ env: { RAG_CACHE_TTL: '0', ...NO_LIMITS, ...(side === 'on' ? on : {}) } });
        try {
          const f = await measureLoad([p.wsUrl()], `obs-${side}-${round}`);
          if (!best[side] || f.perSecond > best[side]!.perSecond) best[side] = f;
        } finally {
          await p.stop();
        }
      }
    }
  } finally {
    await otlp.close();
  }
  const off = best.off!;
  const onF = best.on!;
  const w = (f: LoadFigures) => percentiles(f.whole);
  const rows: Row[] = [
    {
      figure: `messages per second, ${CONVERSATIONS} conversations, logs (JSON, info) + metrics + traces on`,
      value: onF.perSecond.toFixed(1),
      baseline: off.perSecond.toFixed(1),
      baselineName: 'the same, all off',
      ratio: onF.perSecond / off.perSecond,
    },
    {
      figure: `message → answer.end (p50 / p99), logs + metrics + traces on`,
      value: `${ms(w(onF).p50)} / ${ms(w(onF).p99)}`,
      baseline: `${ms(w(off).p50)} / ${ms(w(off).p99)}`,
      baselineName: 'the same, all off',
      ratio: w(onF).p50 / w(off).p50,
    },
  ];
  return { rows, notes: [`Observability: spans received by the local collector: ${otlp.spans.length} (the "on" rounds trace every answer).`] };
}
