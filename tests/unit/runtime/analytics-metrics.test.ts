/**
 * Metrics on Workers as Analytics Engine data points: one per count, change or timing, with the
 * metric's name as the index and its labels in METRICS' order, so a SQL query over the dataset
 * reads the same names and labels as /metrics on Node.
 */
import { describe, expect, it } from 'vitest';
import { METRICS } from '../../../edge/core/metrics';
import { analyticsMetrics, type AnalyticsDataset } from '../../../edge/runtime/workers/analytics-metrics';

const recording = () => {
  const points: Parameters<AnalyticsDataset['writeDataPoint']>[0][] = [];
  return { points, dataset: { writeDataPoint: (p: (typeof points)[number]) => void points.push(p) } };
};

describe('Workers Analytics Engine metrics', () => {
  it('writes one point per event: index = name, blobs = name, kind, labels in catalogue order; double = value', () => {
    const { points, dataset } = recording();
    const m = analyticsMetrics(dataset);
    m.inc('support_chat_answers_total', { outcome: 'answered', site: 'demo', intent: 'shipping' });
    m.observe('support_chat_first_token_seconds', { site: 'demo' }, 0.042);
    m.add('support_chat_sockets_open', {}, -1);
    m.set('support_chat_breaker_open', { provider: 'openai' }, 1);
    expect(METRICS.support_chat_answers_total.labels).toEqual(['site', 'intent', 'outcome']);
    expect(points).toEqual([
      { indexes: ['support_chat_answers_total'], blobs: ['support_chat_answers_total', 'inc', 'demo', 'shipping', 'answered'], doubles: [1] },
      { indexes: ['support_chat_first_token_seconds'], blobs: ['support_chat_first_token_seconds', 'observe', 'demo'], doubles: [0.042] },
      { indexes: ['support_chat_sockets_open'], blobs: ['support_chat_sockets_open', 'add'], doubles: [-1] },
      { indexes: ['support_chat_breaker_open'], blobs: ['support_chat_breaker_open', 'set', 'openai'], doubles: [1] },
    ]);
  });

  it('fits every metric in one data point (Analytics Engine: 1 index, 20 blobs)', () => {
    for (const spec of Object.values(METRICS)) expect(2 + spec.labels.length).toBeLessThanOrEqual(20);
  });

  it('a dataset that throws costs the point, never the caller', () => {
    const m = analyticsMetrics({
      writeDataPoint() {
        throw new Error('over the limit');
      },
    });
    expect(() => m.inc('support_chat_messages_total', { site: 'demo' })).not.toThrow();
  });
});
