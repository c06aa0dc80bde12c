/**
 * The metrics on Workers: each count, gauge change and timing is one data point in Workers
 * Analytics Engine (wrangler.toml `[[analytics_engine_datasets]]`, binding METRICS). There is
 * no process to scrape on Workers: isolates come and go, each counting alone, so a pull
 * endpoint would show one isolate's slice. Analytics Engine takes writes from every isolate
 * without waiting (writeDataPoint does not block the answer) and sums them in SQL.
 *
 * Data point layout, the same names as /metrics on Node (core/metrics.ts):
 *   index1 = the metric name; blob1 = the name; blob2 = how the value applies (inc, add, set,
 *   observe); blob3… = the label values in the order METRICS lists its labels;
 *   double1 = the value (seconds for latencies).
 */
import { METRICS, type Metrics } from '../../core/metrics';

/** The part of workerd's AnalyticsEngineDataset this uses. */
export interface AnalyticsDataset {
  writeDataPoint(point: { indexes?: string[]; blobs?: string[]; doubles?: number[] }): void;
}

export function analyticsMetrics(dataset: AnalyticsDataset): Metrics {
  const write = (kind: string, name: keyof typeof METRICS, labels: Record<string, string>, value: number) => {
    const blobs = [name, kind, ...METRICS[name].labels.map((l) => labels[l] ?? '')];
    try {
      dataset.writeDataPoint({ indexes: [name], blobs, doubles: [value] });
    } catch {
      // Counting must never cost an answer: a dataset that refuses drops the point.
    }
  };
  return {
    inc: (name, labels, by = 1) => write('inc', name, labels, by),
    set: (name, labels, value) => write('set', name, labels, value),
    add: (name, labels, by) => write('add', name, labels, by),
    observe: (name, labels, value) => write('observe', name, labels, value),
  };
}
