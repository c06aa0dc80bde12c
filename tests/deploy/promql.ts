/**
 * Checks PromQL written for the dashboard and the alert rules against what the Node exporter
 * really serves: parsed by Prometheus' own grammar (the one its web UI uses), so a function,
 * aggregation or label is never taken for a metric name, and a typo fails here rather than as
 * an empty panel or an alert that can never fire.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { METRICS, type MetricSpec } from '../../edge/core/metrics';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface Exposed {
  names: Set<string>;
  /** Labels a support_chat_* series may carry; other metrics' labels are prom-client's business. */
  labels: Map<string, Set<string>>;
  /** The `le` values a histogram's `_bucket` series carry, as prom-client prints them. */
  buckets: Map<string, Set<string>>;
}

/** Labels Prometheus adds at scrape time to every series. */
const TARGET_LABELS = ['job', 'instance'];
const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'];

export async function exposedMetrics(): Promise<Exposed> {
  const exposed: Exposed = { names: new Set(['up']), labels: new Map(), buckets: new Map() };
  for (const [name, spec] of Object.entries(METRICS) as [string, MetricSpec][]) {
    const labels = [...spec.labels, ...TARGET_LABELS];
    exposed.names.add(name);
    exposed.labels.set(name, new Set(labels));
    if (spec.type !== 'histogram') continue;
    for (const suffix of HISTOGRAM_SERIES) {
      exposed.names.add(name + suffix);
      exposed.labels.set(name + suffix, new Set(suffix === '_bucket' ? [...labels, 'le'] : labels));
    }
    exposed.buckets.set(`${name}_bucket`, new Set([...(spec.buckets ?? []).map(String), '+Inf']));
  }
  // The real list, not a copy: it moves with prom-client's version and the platform.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const m of await registry.getMetricsAsJSON()) {
    exposed.names.add(m.name);
    if (String(m.type) === 'histogram') for (const suffix of HISTOGRAM_SERIES) exposed.names.add(m.name + suffix);
  }
  return exposed;
}

/** Grafana's interval variables stand where PromQL needs a duration; `$site` only ever sits in strings. */
export function fromGrafana(expr: string): string {
  return expr.replace(/\$\{?__(rate_interval|interval|range)\}?(?!\w)/g, (_, v: string) => (v === 'range' ? '6h' : v === 'interval' ? '1m' : '5m'));
}

const RANGE_FUNCTIONS = /^(rate|irate|increase|delta|idelta|deriv|changes|resets|\w+_over_time)$/;

/** Everything wrong with one expression; empty when it parses and names only what is served. */
export function checkExpr(expr: string, exposed: Exposed): string[] {
  const problems: string[] = [];
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const tree = parser.parse(expr);
  const top = tree.topNode;

  // The parser recovers from every error and builds a tree anyway; the error nodes are the verdict.
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) problems.push(`syntax error at ${n.from}: …${expr.slice(Math.max(0, n.from - 20), n.from + 10)}…`);
    },
  });
  if (problems.length) return problems;

  const selectors = (scope: SyntaxNode) => descendants(scope, 'VectorSelector');
  const allows = (metric: string, label: string) => !metric.startsWith('support_chat_') || (exposed.labels.get(metric)?.has(label) ?? false);

  for (const sel of descendants(top, 'VectorSelector')) {
    const metric = metricName(sel, text);
    if (!metric) {
      problems.push(`selector without a metric name: ${text(sel)}`);
      continue;
    }
    if (!exposed.names.has(metric)) problems.push(`unknown metric ${metric}`);
    for (const m of matchers(sel, text)) {
      if (m.label === '__name__') continue;
      if (!allows(metric, m.label)) problems.push(`${metric} has no label ${m.label}`);
      const le = exposed.buckets.get(metric);
      if (m.label === 'le' && m.op === 'EqlSingle' && le && !le.has(m.value)) problems.push(`${metric} has no bucket le="${m.value}" (buckets: ${[...le].join(', ')})`);
    }
  }

  for (const group of descendants(top, 'GroupingLabels')) {
    const scope = group.parent?.type.name === 'AggregateModifier' ? group.parent.parent : group.parent;
    if (!scope) continue;
    const names = selectors(scope).map((s) => metricName(s, text)).filter((m): m is string => !!m && exposed.names.has(m));
    // group_left/right copy labels from one side only; by, without, on and ignoring need them on every side.
    const oneSide = /^Group(Left|Right)$/.test(group.prevSibling?.type.name ?? '');
    for (const label of group.getChildren('LabelName').map(text)) {
      const ok = oneSide ? names.some((m) => allows(m, label)) : names.every((m) => allows(m, label));
      if (!ok) problems.push(`grouping label ${label} is not on ${names.filter((m) => !allows(m, label)).join(', ')}`);
    }
  }

  for (const call of descendants(top, 'FunctionCall')) {
    const fn = text(call.getChild('FunctionIdentifier')!);
    // The range argument comes last (quantile_over_time takes the quantile first).
    const range = call.getChild('FunctionCallBody')?.lastChild;
    if (RANGE_FUNCTIONS.test(fn) && !['MatrixSelector', 'SubqueryExpr'].includes(range?.type.name ?? '')) problems.push(`${fn}() needs a range vector: ${text(call)}`);
    if (fn === 'histogram_quantile') {
      for (const s of selectors(call)) if (!metricName(s, text)?.endsWith('_bucket')) problems.push(`histogram_quantile over a non-bucket series: ${text(s)}`);
      for (const agg of descendants(call, 'AggregateModifier')) {
        const labels = agg.getChild('GroupingLabels')?.getChildren('LabelName').map(text) ?? [];
        if (agg.getChild('By') && !labels.includes('le')) problems.push(`histogram_quantile needs "le" kept: ${text(agg)}`);
      }
    }
  }
  return problems;
}

/** Grafana's `label_values(metric, label)`, which is not PromQL: the selector is, and the label must be its. */
export function checkVariableQuery(query: string, exposed: Exposed): string[] {
  const m = /^label_values\(\s*(.+?)\s*,\s*([A-Za-z_]\w*)\s*\)$/.exec(query.trim());
  if (!m) return [`not a label_values(metric, label) query: ${query}`];
  const [, selector, label] = m;
  const problems = checkExpr(selector, exposed);
  const metric = selector.match(/^[A-Za-z_:][\w:]*/)?.[0] ?? '';
  if (!problems.length && !exposed.labels.get(metric)?.has(label)) problems.push(`${metric} has no label ${label}`);
  return problems;
}

function descendants(node: SyntaxNode, type: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.type.name === type) found.push(c);
    found.push(...descendants(c, type));
  }
  return found;
}

function metricName(sel: SyntaxNode, text: (n: SyntaxNode) => string): string | undefined {
  const id = sel.getChild('Identifier');
  if (id) return text(id);
  const named = matchers(sel, text).find((m) => m.label === '__name__' && m.op === 'EqlSingle');
  if (named) return named.value;
  // `{"metric.name"}`: a quoted name standing alone among the matchers.
  const bare = sel.getChild('LabelMatchers')?.getChild('QuotedLabelName');
  return bare ? unquote(text(bare)) : undefined;
}

function matchers(sel: SyntaxNode, text: (n: SyntaxNode) => string) {
  const list = sel.getChild('LabelMatchers');
  if (!list) return [];
  return [...list.getChildren('UnquotedLabelMatcher'), ...list.getChildren('QuotedLabelMatcher')].map((m) => {
    const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName')!;
    return {
      label: name.type.name === 'LabelName' ? text(name) : unquote(text(name)),
      op: m.getChild('MatchOp')?.firstChild?.type.name ?? '',
      value: unquote(text(m.getChild('StringLiteral', 'MatchOp')!)),
    };
  });
}

function unquote(s: string): string {
  return s.startsWith('`') ? s.slice(1, -1) : s.slice(1, -1).replace(/\\(.)/g, '$1');
}
