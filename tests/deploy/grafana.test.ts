/**
 * The Grafana dashboard and the Prometheus rules under deploy/ cannot be loaded into a Grafana or
 * a Prometheus here, so every query in them is parsed with Prometheus' grammar and checked
 * against the metrics the server really exposes (edge/core/metrics.ts and prom-client's
 * defaults): a renamed metric or label then fails this test instead of leaving an empty panel
 * or an alert that never fires.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkExpr, checkVariableQuery, type Exposed, exposedMetrics, fromGrafana } from './promql';

const ROOT = resolve(import.meta.dirname, '../..');
const DASHBOARD_FILE = join(ROOT, 'deploy/grafana/support-chat.dashboard.json');
const PROMETHEUS_FILE = join(ROOT, 'deploy/prometheus/prometheus.yaml');
const ALERTS_FILE = join(ROOT, 'deploy/prometheus/alerts.yaml');

interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query: string | { query: string };
}
interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { schemaVersion: number; panels: Panel[]; templating: { list: Variable[] } };
const rules = (parse(readFileSync(ALERTS_FILE, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const prometheus = parse(readFileSync(PROMETHEUS_FILE, 'utf8')) as {
  rule_files: string[];
  scrape_configs: { job_name: string; metrics_path?: string; authorization?: { type: string; credentials_file: string }; static_configs: { targets: string[] }[] }[];
};

/** A collapsed row keeps its panels inside it; an open one leaves them beside it. */
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const panels = allPanels(dashboard.panels);
const queries = panels.flatMap((p) => (p.targets ?? []).map((t, i) => ({ where: `${p.title} #${i + 1}`, expr: t.expr })));
const variable = (name: string) => dashboard.templating.list.find((v) => v.name === name);

let exposed: Exposed;
beforeAll(async () => {
  exposed = await exposedMetrics();
});

describe('Grafana dashboard', () => {
  test('is a schema 39 dashboard on a chosen Prometheus, filtered by site', () => {
    expect(dashboard.schemaVersion).toBe(39);
    expect(variable('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const site = variable('site')!;
    const query = typeof site.query === 'string' ? site.query : site.query.query;
    expect(query).toBe('label_values(support_chat_messages_total, site)');
    expect(checkVariableQuery(query, exposed)).toEqual([]);
  });

  test('every panel has a unique id, a title, a description and reads ${datasource}', () => {
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels.filter((p) => p.type !== 'row')) {
      expect(['timeseries', 'stat'], p.title).toContain(p.type);
      expect(p.title.trim(), `panel ${p.id}`).not.toBe('');
      expect(p.description?.trim(), p.title).toBeTruthy();
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
    expect(queries.length).toBeGreaterThan(20);
  });

  test('covers what the brief asks of it', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const used of [
      'support_chat_answer_seconds_bucket',
      'support_chat_first_token_seconds_bucket',
      'outcome="handoff"',
      'support_chat_answer_confidence_bucket{site=~"$site", le="0.5"}',
      'increase(support_chat_llm_cost_usd_total{site=~"$site"}[1d])',
      'support_chat_llm_tokens_total',
      'support_chat_provider_retries_total',
      'support_chat_breaker_open',
      'support_chat_fallbacks_total',
      'support_chat_answer_cache_total',
      'support_chat_stage_seconds_bucket',
      'support_chat_sockets_open',
      'sum by (what)',
      'support_chat_feedback_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(all).toContain(used);
    }
  });

  test.each(queries)('$where parses and uses only exposed metrics and labels', ({ expr }) => {
    // An empty query parses cleanly and shows nothing.
    expect(expr?.trim()).toBeTruthy();
    expect(checkExpr(fromGrafana(expr), exposed)).toEqual([]);
  });
});

describe('Prometheus alert rules', () => {
  test('every rule has an alert, expr, for, a known severity and a summary', () => {
    for (const r of rules) {
      expect(r.alert, r.expr).toMatch(/^SupportChat[A-Za-z]+$/);
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical'], r.alert).toContain(r.labels?.severity);
      expect(r.annotations?.summary?.trim(), r.alert).toBeTruthy();
      expect(r.annotations?.description?.trim(), r.alert).toBeTruthy();
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  test('has the alerts operators were promised', () => {
    const byName = new Map(rules.map((r) => [r.alert, r]));
    const rule = (name: string) => {
      expect(byName.has(name), name).toBe(true);
      return byName.get(name)!;
    };
    expect(rule('SupportChatDown')).toMatchObject({ expr: 'up{job="support-chat"} == 0', for: '2m', labels: { severity: 'critical' } });
    expect(rule('SupportChatAnswersFailing').expr).toMatch(/outcome="failed"\}\[10m\][\s\S]*\) > 0\.05/);
    expect(rule('SupportChatProviderErrors').expr).toMatch(/outcome="error"\}\[10m\][\s\S]*\) > 0\.2/);
    expect(rule('SupportChatFirstTokenSlow')).toMatchObject({ for: '10m' });
    expect(rule('SupportChatFirstTokenSlow').expr).toMatch(/histogram_quantile\(0\.95, .*support_chat_first_token_seconds_bucket.*\) > 2\s*$/);
    expect(rule('SupportChatBreakerOpen')).toMatchObject({ for: '5m' });
    expect(rule('SupportChatBreakerOpen').expr).toContain('support_chat_breaker_open');
    expect(rule('SupportChatRateLimitSurge').expr).toContain('support_chat_rate_limited_total');
  });

  test.each(rules)('$alert parses and uses only exposed metrics and labels', ({ expr }) => {
    expect(checkExpr(expr, exposed)).toEqual([]);
  });
});

describe('Prometheus config', () => {
  test('loads rule files that exist and scrapes /metrics with the bearer token file', () => {
    expect(prometheus.rule_files.length).toBeGreaterThan(0);
    for (const f of prometheus.rule_files) expect(existsSync(resolve(dirname(PROMETHEUS_FILE), f)), f).toBe(true);
    const job = prometheus.scrape_configs.find((s) => s.job_name === 'support-chat');
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job?.authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/prometheus/metrics-token' });
    expect(job?.static_configs.flatMap((c) => c.targets).every((t) => t.endsWith(':8787'))).toBe(true);
  });
});

describe('the checker itself', () => {
  // Without these, a checker that accepts everything would pass every test above.
  test('reports a metric the server does not expose', () => {
    expect(checkExpr('sum(rate(support_chat_not_a_metric_total[5m]))', exposed)).toEqual(['unknown metric support_chat_not_a_metric_total']);
  });

  test('reports syntax errors, wrong labels, buckets and range misuse, and takes no function for a metric', () => {
    expect(checkExpr('sum(rate(support_chat_messages_total[5m])', exposed)[0]).toMatch(/^syntax error/);
    expect(checkExpr(fromGrafana('rate(support_chat_messages_total[$__interval_typo])'), exposed)[0]).toMatch(/^syntax error/);
    expect(checkExpr('sum(rate(support_chat_provider_calls_total{site="a"}[5m]))', exposed)).toEqual(['support_chat_provider_calls_total has no label site']);
    expect(checkExpr('sum by (site) (rate(support_chat_provider_calls_total[5m]))', exposed)).toEqual(['grouping label site is not on support_chat_provider_calls_total']);
    expect(checkExpr('support_chat_answer_confidence_bucket{le="0.55"}', exposed)[0]).toMatch(/no bucket le="0.55"/);
    expect(checkExpr('rate(support_chat_messages_total)', exposed)[0]).toMatch(/needs a range vector/);
    expect(checkExpr('histogram_quantile(0.9, sum by (site) (rate(support_chat_answer_seconds_bucket[5m])))', exposed)[0]).toMatch(/needs "le"/);
    expect(checkExpr('{__name__="support_chat_nope"}', exposed)).toEqual(['unknown metric support_chat_nope']);
    expect(checkVariableQuery('label_values(support_chat_messages_total, stage)', exposed)).toEqual(['support_chat_messages_total has no label stage']);
    expect(checkExpr('histogram_quantile(0.5, sum by (le) (rate(nodejs_gc_duration_seconds_bucket[5m]))) and on (job) absent(up{job="x"})', exposed)).toEqual([]);
  });
});
