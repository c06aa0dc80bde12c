/**
 * The Node exporter: prom-client registers every metric the core names (core/metrics.ts) and
 * the process' own (CPU, memory, event-loop lag, GC), and renders them for `/metrics`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS, type Metrics, type MetricSpec } from '../../core/metrics';
import type { MetricsExport } from '../../http/metrics';

type Any = Counter<string> | Gauge<string> | Histogram<string>;

export function promMetrics(): { metrics: Metrics; exporter: MetricsExport; registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const made = new Map<string, Any>();
  for (const [name, spec] of Object.entries(METRICS) as [string, MetricSpec][]) {
    const common = { name, help: spec.help, labelNames: [...spec.labels], registers: [registry] };
    made.set(
      name,
      spec.type === 'counter' ? new Counter(common) : spec.type === 'gauge' ? new Gauge(common) : new Histogram({ ...common, buckets: [...(spec.buckets ?? [])] }),
    );
  }
  const get = <T extends Any>(name: string) => made.get(name) as T;
  const metrics: Metrics = {
    inc: (name, labels, by = 1) => get<Counter<string>>(name).inc(labels, by),
    set: (name, labels, value) => get<Gauge<string>>(name).set(labels, value),
    add: (name, labels, by) => get<Gauge<string>>(name).inc(labels, by),
    observe: (name, labels, value) => get<Histogram<string>>(name).observe(labels, value),
  };
  return { metrics, registry, exporter: { contentType: registry.contentType, text: () => registry.metrics() } };
}
