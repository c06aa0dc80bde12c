/**
 * A local server that speaks the Qdrant REST API calls `@qdrant/js-client-rest` makes for a
 * vector store: collections (create with metadata, info, exists, delete), aliases (list,
 * create/delete/rename), payload indexes, points (upsert, delete by ids or filter, count,
 * query). Answers use Qdrant's envelope `{result, status: "ok", time}`; errors
 * `{status: {error}, time}` with Qdrant's codes. Search is real: exact cosine over the stored
 * points (normalised on insert, as Qdrant does for Cosine), filtered by payload conditions
 * (must / should / must_not, match value / any / except, has_id).
 */
import { listen, record, type Recorded } from './http';
import type { ServerResponse } from 'node:http';

interface Point {
  id: string | number;
  vector: Float32Array;
  payload: Record<string, unknown>;
}
interface Collection {
  name: string;
  size: number;
  distance: string;
  metadata: Record<string, unknown> | null;
  points: Map<string, Point>;
  indexes: Record<string, unknown>;
}
type Condition = { key?: string; match?: { value?: unknown; any?: unknown[]; except?: unknown[] }; has_id?: (string | number)[] } & Filter;
interface Filter {
  must?: Condition[] | Condition;
  should?: Condition[] | Condition;
  must_not?: Condition[] | Condition;
}

export interface QdrantFailure {
  status: number;
  message?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface QdrantFake {
  url: string;
  requests: Recorded[];
  collections: Map<string, Collection>;
  aliases: Map<string, string>;
  /** The next request whose path matches fails (or is delayed) like this. */
  fail(path: RegExp, failure: QdrantFailure): void;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export async function startQdrantFake(opts: { apiKey?: string } = {}): Promise<QdrantFake> {
  const requests: Recorded[] = [];
  const collections = new Map<string, Collection>();
  const aliases = new Map<string, string>();
  const failures: { path: RegExp; failure: QdrantFailure }[] = [];
  let operation = 0;

  const server = await listen(async (req, res, body, url) => {
    const started = performance.now();
    requests.push(record(req, url, body));
    const ok = (result: unknown) => send(res, 200, { result, status: 'ok', time: (performance.now() - started) / 1000 });
    const err = (status: number, error: string, headers: Record<string, string> = {}) => send(res, status, { status: { error }, time: (performance.now() - started) / 1000 }, headers);
    if (opts.apiKey && req.headers['api-key'] !== opts.apiKey) return err(401, 'Must provide an API key or an Authorization bearer token');
    const f = failures.findIndex((x) => x.path.test(url.pathname));
    if (f >= 0) {
      const { failure } = failures.splice(f, 1)[0];
      if (failure.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
      if (failure.status !== 200) return err(failure.status, failure.message ?? 'Service internal error', failure.headers);
    }
    const done = () => ok({ operation_id: ++operation, status: 'completed' });
    const b = (body ?? {}) as Record<string, unknown>;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';

    if (parts.length === 0 && method === 'GET') return ok({ title: 'qdrant - vector search engine', version: '1.18.0', commit: 'fake' });
    if (parts[0] === 'aliases' && method === 'GET') return ok({ aliases: [...aliases].map(([alias_name, collection_name]) => ({ alias_name, collection_name })) });
    if (parts[0] !== 'collections') return err(404, `Not found: ${url.pathname}`);
    if (parts.length === 1 && method === 'GET') return ok({ collections: [...collections.keys()].map((name) => ({ name })) });
    if (parts[1] === 'aliases' && parts.length === 2 && method === 'POST') {
      for (const action of (b.actions as Record<string, Record<string, string>>[]) ?? []) {
        if (action.create_alias) {
          const { alias_name, collection_name } = action.create_alias;
          if (!collections.has(collection_name)) return err(404, `Not found: Collection \`${collection_name}\` doesn't exist!`);
          aliases.set(alias_name, collection_name);
        } else if (action.delete_alias) {
          if (!aliases.delete(action.delete_alias.alias_name)) return err(404, `Not found: Alias \`${action.delete_alias.alias_name}\` doesn't exist!`);
        } else if (action.rename_alias) {
          const target = aliases.get(action.rename_alias.old_alias_name);
          if (!target) return err(404, `Not found: Alias \`${action.rename_alias.old_alias_name}\` doesn't exist!`);
          aliases.delete(action.rename_alias.old_alias_name);
          aliases.set(action.rename_alias.new_alias_name, target);
        } else return err(400, 'Format error in JSON body: unknown alias action');
      }
      return ok(true);
    }

    const name = parts[1];
    const real = aliases.get(name) ?? name;
    const c = collections.get(real);
    const rest = parts.slice(2).join('/');
    if (rest === '' && method === 'PUT') {
      if (collections.has(name)) return err(400, `Wrong input: Collection \`${name}\` already exists!`);
      const vectors = b.vectors as { size?: number; distance?: string } | undefined;
      if (!vectors || !Number.isInteger(vectors.size) || !['Cosine', 'Dot', 'Euclid', 'Manhattan'].includes(String(vectors.distance))) {
        return err(422, 'Format error in JSON body: vectors: expected { size, distance }');
      }
      collections.set(name, { name, size: vectors.size!, distance: vectors.distance!, metadata: (b.metadata as Record<string, unknown>) ?? null, points: new Map(), indexes: {} });
      return ok(true);
    }
    if (rest === 'exists' && method === 'GET') return ok({ exists: collections.has(real) });
    if (!c) return err(404, `Not found: Collection \`${name}\` doesn't exist!`);
    if (rest === '' && method === 'GET') {
      return ok({
        status: 'green',
        optimizer_status: 'ok',
        indexed_vectors_count: 0,
        points_count: c.points.size,
        segments_count: 1,
        config: {
          params: { vectors: { size: c.size, distance: c.distance }, shard_number: 1, replication_factor: 1, write_consistency_factor: 1, on_disk_payload: true },
          hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
          optimizer_config: { deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0, max_segment_size: null, memmap_threshold: null, indexing_threshold: 10000, flush_interval_sec: 5, max_optimization_threads: null },
          wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
          quantization_config: null,
          ...(c.metadata ? { metadata: c.metadata } : {}),
        },
        payload_schema: Object.fromEntries(Object.entries(c.indexes).map(([k, v]) => [k, { ...(typeof v === 'string' ? { data_type: v } : { data_type: (v as { type: string }).type, params: v }), points: c.points.size }])),
      });
    }
    if (rest === '' && method === 'DELETE') {
      if (aliases.has(name)) return err(404, `Not found: Collection \`${name}\` doesn't exist!`);
      collections.delete(name);
      for (const [a, target] of aliases) if (target === name) aliases.delete(a);
      return ok(true);
    }
    if (rest === 'index' && method === 'PUT') {
      if (typeof b.field_name !== 'string' || !b.field_schema) return err(422, 'Format error in JSON body: field_name and field_schema are required');
      c.indexes[b.field_name] = b.field_schema;
      return done();
    }
    if (rest === 'points' && method === 'PUT') {
      const points = b.points as { id: unknown; vector: unknown; payload?: Record<string, unknown> }[];
      if (!Array.isArray(points)) return err(422, 'Format error in JSON body: expected points');
      for (const p of points) {
        if (!(typeof p.id === 'number' && Number.isInteger(p.id) && p.id >= 0) && !(typeof p.id === 'string' && UUID.test(p.id))) {
          return err(400, `Format error in JSON body: value ${JSON.stringify(p.id)} is not a valid point ID, valid values are either an unsigned integer or a UUID`);
        }
        if (!Array.isArray(p.vector) || p.vector.length !== c.size) {
          return err(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${Array.isArray(p.vector) ? p.vector.length : 0}`);
        }
      }
      for (const p of points) {
        const v = Float32Array.from(p.vector as number[]);
        if (c.distance === 'Cosine') normalise(v);
        c.points.set(String(p.id).toLowerCase(), { id: p.id as string | number, vector: v, payload: p.payload ?? {} });
      }
      return done();
    }
    if (rest === 'points/delete' && method === 'POST') {
      if (Array.isArray(b.points)) {
        for (const id of b.points) c.points.delete(String(id).toLowerCase());
      } else if (b.filter) {
        for (const [k, p] of c.points) if (matches(p, b.filter as Filter)) c.points.delete(k);
      } else {
        return err(422, 'Format error in JSON body: expected points or filter');
      }
      return done();
    }
    if (rest === 'points/count' && method === 'POST') {
      let n = 0;
      for (const p of c.points.values()) if (!b.filter || matches(p, b.filter as Filter)) n++;
      return ok({ count: n });
    }
    if (rest === 'points/query' && method === 'POST') {
      const query = b.query as number[] | undefined;
      const limit = typeof b.limit === 'number' ? b.limit : 10;
      const offset = typeof b.offset === 'number' ? b.offset : 0;
      const candidates = [...c.points.values()].filter((p) => !b.filter || matches(p, b.filter as Filter));
      let scored: { p: Point; score: number }[];
      if (Array.isArray(query)) {
        if (query.length !== c.size) return err(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${query.length}`);
        const q = Float32Array.from(query);
        if (c.distance === 'Cosine') normalise(q);
        scored = candidates.map((p) => ({ p, score: dot(p.vector, q) })).sort((x, y) => y.score - x.score);
        if (typeof b.score_threshold === 'number') scored = scored.filter((s) => s.score >= (b.score_threshold as number));
      } else scored = candidates.map((p) => ({ p, score: 0 }));
      return ok({
        points: scored.slice(offset, offset + limit).map(({ p, score }) => ({ id: p.id, version: 0, score, ...withPayload(p.payload, b.with_payload) })),
      });
    }
    return err(404, `Not found: ${method} ${url.pathname}`);
  });

  return {
    url: server.origin,
    requests,
    collections,
    aliases,
    fail: (path, failure) => void failures.push({ path, failure }),
    close: () => server.close(),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function list<T>(x: T[] | T | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

function matches(p: Point, f: Filter): boolean {
  const must = list(f.must);
  const should = list(f.should);
  const mustNot = list(f.must_not);
  return must.every((c) => holds(p, c)) && (should.length === 0 || should.some((c) => holds(p, c))) && !mustNot.some((c) => holds(p, c));
}

function holds(p: Point, c: Condition): boolean {
  if (c.has_id) return c.has_id.some((id) => String(id).toLowerCase() === String(p.id).toLowerCase());
  if (c.key === undefined) return matches(p, c);
  const value = p.payload[c.key];
  const values = Array.isArray(value) ? value : [value];
  const m = c.match ?? {};
  if ('value' in m) return values.includes(m.value);
  if (m.any) return values.some((v) => m.any!.includes(v));
  if (m.except) return values.every((v) => !m.except!.includes(v));
  return false;
}

function withPayload(payload: Record<string, unknown>, selector: unknown): { payload?: Record<string, unknown> } {
  if (!selector) return {};
  if (selector === true) return { payload };
  const include = Array.isArray(selector) ? selector : (selector as { include?: string[] }).include;
  const exclude = (selector as { exclude?: string[] }).exclude;
  if (include) return { payload: Object.fromEntries(Object.entries(payload).filter(([k]) => include.includes(k))) };
  if (exclude) return { payload: Object.fromEntries(Object.entries(payload).filter(([k]) => !exclude.includes(k))) };
  return { payload };
}

function normalise(v: Float32Array): void {
  let n = 0;
  for (const x of v) n += x * x;
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= Math.sqrt(n);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
