/**
 * No cluster runs here, so deploy/k8s is checked the two ways we can: every resource against the
 * Kubernetes OpenAPI schemas (kubernetes-models' compiled validators), and by reading the
 * Deployment for what this server needs from it (probes, draining, secrets, non-root).
 *
 * The schema validators check types, enums and required fields but accept unknown fields: a
 * misspelled `readinesProbe` passes them (a negative test below pins this down). The policy
 * checks read the exact field names that matter, so such a misspelling fails them instead.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, test } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';

const ROOT = resolve(import.meta.dirname, '../..');
const DIR = join(ROOT, 'deploy/k8s');
const SECRET_NAME = 'support-chat';
const NAME_LABEL = 'app.kubernetes.io/name';

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}
interface Loaded {
  file: string;
  resource: Resource;
}

interface HttpGet {
  path?: string;
  port?: string | number;
}
interface Probe {
  httpGet?: HttpGet;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name?: string; key: string; optional?: boolean }; configMapKeyRef?: { name?: string } };
}
interface EnvFrom {
  configMapRef?: { name?: string };
  secretRef?: { name?: string };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[] };
}
interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: EnvFrom[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: { command?: string[] } } };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: SecurityContext;
  containers: Container[];
  volumes?: { name: string; emptyDir?: object }[];
}
interface DeploymentShape extends Resource {
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string> };
    strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

/** Names the server reads, from .env.example (commented-out ones count: they are documented). */
function envExampleNames(): Set<string> {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
}
const ENV_NAMES = envExampleNames();

/**
 * Settings that must never sit in a ConfigMap or a `value:`: the ones named in the deployment
 * brief, plus any .env.example name shaped like a credential, so a secret added there later is
 * caught too. Connection URLs carry passwords, hence POSTGRES_URL and REDIS_URL.
 */
const SECRET_ENV = new Set(
  [
    ...['POSTGRES_URL', 'REDIS_URL', 'OPENAI_API_KEY', 'COHERE_API_KEY', 'METRICS_TOKEN', 'SENTRY_DSN', 'ADMIN_TOKEN'],
    ...[...ENV_NAMES].filter((n) => /(_TOKEN|_KEY|_DSN|_PASSWORD|_SECRET)$/.test(n)),
  ].filter((n) => ENV_NAMES.has(n)),
);

const yamlFiles = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

function load(): Loaded[] {
  const out: Loaded[] = [];
  for (const file of yamlFiles) {
    const docs = parseAllDocuments(readFileSync(join(DIR, file), 'utf8'));
    // A stream the parser could not even split comes back as an empty array.
    if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
    for (const doc of docs) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const resource = doc.toJS() as Resource | null;
      if (resource === null) continue;
      out.push({ file, resource });
    }
  }
  return out;
}

type ModelClass = (new (data: unknown) => { validate(): void }) & { apiVersion: string; kind: string };

/**
 * The kubernetes-models class for apiVersion + kind, by its module path (`<group>/<version>/<Kind>`,
 * the core group as `v1/<Kind>`). Anything the package does not model rejects: a kind this test
 * cannot validate is a failure, not a skip.
 */
async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  // The parts become a module path: nothing but what Kubernetes allows in them.
  if (!/^[a-z0-9.-]*$/.test(group) || !/^v[0-9]+[a-z0-9]*$/.test(version) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    throw new Error(`not a Kubernetes apiVersion/kind: ${apiVersion} ${kind}`);
  }
  const path = group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ path)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`no schema for ${apiVersion} ${kind} in kubernetes-models (${path})`, { cause: err });
  }
  const model = mod[kind] as ModelClass | undefined;
  if (typeof model !== 'function' || model.apiVersion !== apiVersion || model.kind !== kind) {
    throw new Error(`kubernetes-models has no model ${apiVersion} ${kind}`);
  }
  return model;
}

function validate(model: ModelClass, resource: unknown): void {
  new model(structuredClone(resource)).validate();
}

function only<T extends Resource>(all: Loaded[], kind: string): T {
  const found = all.filter((l) => l.resource.kind === kind);
  expect(found.map((l) => l.file), `exactly one ${kind}`).toHaveLength(1);
  return found[0].resource as T;
}

function podSpec(d: DeploymentShape): PodSpec {
  return d.spec.template.spec;
}

/** The container serving HTTP: the one with the port named `http`. */
function server(d: DeploymentShape): Container {
  const c = podSpec(d).containers.find((c) => c.ports?.some((p) => p.name === 'http'));
  if (!c) throw new Error('no container has a port named http');
  return c;
}

function preStopSeconds(c: Container): number {
  const preStop = c.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const cmd = preStop?.exec?.command;
  if (cmd?.length === 2 && cmd[0] === 'sleep' && /^\d+$/.test(cmd[1])) return Number(cmd[1]);
  throw new Error('preStop must sleep (sleep action, or exec ["sleep", "<seconds>"])');
}

// The policy checks take the objects as arguments, so the negative tests can run them on copies.

function checkProbes(d: DeploymentShape): void {
  const c = server(d);
  const portNames = new Set((c.ports ?? []).map((p) => p.name));
  expect(c.readinessProbe?.httpGet?.path, 'readiness follows the stores and draining').toBe('/readyz');
  expect(c.livenessProbe?.httpGet?.path, 'liveness must not follow the stores').toBe('/healthz');
  expect(c.startupProbe?.httpGet, 'a slow start must not trip liveness').toBeDefined();
  for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
    expect(portNames.has(String(probe?.httpGet?.port)), `probe port ${probe?.httpGet?.port} is a named container port`).toBe(true);
  }
}

function checkGracePeriod(d: DeploymentShape, configMap: Resource): void {
  const data = configMap.data as Record<string, string>;
  const graceMs = Number(data.SHUTDOWN_GRACE_MS);
  expect(Number.isInteger(graceMs) && graceMs > 0, 'SHUTDOWN_GRACE_MS in the ConfigMap').toBe(true);
  const needed = preStopSeconds(server(d)) + graceMs / 1000;
  expect(podSpec(d).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(needed);
}

function checkSecrets(d: DeploymentShape, configMap: Resource): void {
  const c = server(d);
  for (const e of c.env ?? []) {
    if (SECRET_ENV.has(e.name)) {
      expect(e.value, `${e.name} must come from the Secret, not a value`).toBeUndefined();
      expect(e.valueFrom?.secretKeyRef?.name, `${e.name} from Secret ${SECRET_NAME}`).toBe(SECRET_NAME);
    }
    if (e.valueFrom?.secretKeyRef) expect(e.valueFrom.secretKeyRef.name).toBe(SECRET_NAME);
  }
  for (const from of c.envFrom ?? []) {
    if (from.secretRef) expect(from.secretRef.name).toBe(SECRET_NAME);
  }
  const leaked = Object.keys((configMap.data as Record<string, string>) ?? {}).filter((k) => SECRET_ENV.has(k));
  expect(leaked, 'secrets in the ConfigMap').toEqual([]);
}

let all: Loaded[];
let deployment: DeploymentShape;
let configMap: Resource;
/** The manifests as loaded, and the two resources most checks read: each describe starts from a fresh copy. */
function loadManifests(): void {
  all = load();
  deployment = only<DeploymentShape>(all, 'Deployment');
  configMap = only(all, 'ConfigMap');
}

describe('deploy/k8s', () => {
  beforeAll(loadManifests);

  test('the YAML parses, one resource per file', () => {
    expect(yamlFiles).toContain('kustomization.yaml');
    for (const file of yamlFiles) {
      expect(all.filter((l) => l.file === file), file).toHaveLength(1);
    }
  });

  test('every resource validates against the Kubernetes schemas', async () => {
    const resources = all.filter((l) => l.file !== 'kustomization.yaml');
    expect(resources.length).toBeGreaterThan(0);
    for (const { file, resource } of resources) {
      const model = await modelFor(resource.apiVersion, resource.kind);
      expect(() => validate(model, resource), file).not.toThrow();
    }
  });

  test('the kustomization lists every manifest, and only files that exist', () => {
    const k = all.find((l) => l.file === 'kustomization.yaml')!.resource;
    expect(k.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    expect(k.kind).toBe('Kustomization');
    const listed = k.resources as string[];
    for (const r of listed) {
      const path = join(DIR, r);
      expect(existsSync(path) && statSync(path).isFile(), `${r} exists`).toBe(true);
    }
    // A manifest left out of the list is never applied, silently.
    expect([...listed].sort()).toEqual(yamlFiles.filter((f) => f !== 'kustomization.yaml'));
  });

  test('every resource carries the name label', () => {
    for (const { file, resource } of all.filter((l) => l.file !== 'kustomization.yaml')) {
      expect(resource.metadata.labels?.[NAME_LABEL], file).toBe('support-chat');
    }
  });

  test('readiness is /readyz, liveness /healthz, both on the named container port', () => {
    checkProbes(deployment);
  });

  test('the grace period covers preStop plus SHUTDOWN_GRACE_MS', () => {
    checkGracePeriod(deployment, configMap);
    expect(preStopSeconds(server(deployment))).toBeGreaterThanOrEqual(1);
  });

  test('rollouts keep capacity: a new pod is ready before an old one leaves', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy?.type).toBe('RollingUpdate');
    expect(deployment.spec.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
  });

  test('runs as non-root, read-only, without privileges; the writable paths are volumes', () => {
    const pod = podSpec(deployment);
    const c = server(deployment);
    expect(c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot).toBe(true);
    expect(c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser).toBe(1000);
    expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext?.capabilities?.drop).toContain('ALL');
    if (c.securityContext?.readOnlyRootFilesystem) {
      // DATA_DIR and the temp directory (tsx's compile cache) must be writable.
      const mounts = new Set((c.volumeMounts ?? []).map((m) => m.mountPath));
      const dataDir = (configMap.data as Record<string, string>).DATA_DIR;
      expect(mounts).toContain(dataDir);
      expect(mounts).toContain('/tmp');
    }
  });

  test('no Secret is kept in the repository', () => {
    expect(all.filter((l) => l.resource.kind === 'Secret').map((l) => l.file)).toEqual([]);
    // Also where the parser would not see one: a file kustomize does not list, a commented block.
    for (const file of readdirSync(DIR)) {
      expect(readFileSync(join(DIR, file), 'utf8'), file).not.toMatch(/^\s*kind:\s*["']?Secret["']?\s*$/m);
    }
  });

  test('secrets come by name from the Secret, never as values', () => {
    expect(SECRET_ENV.size).toBeGreaterThan(0);
    checkSecrets(deployment, configMap);
    const c = server(deployment);
    expect(c.envFrom?.some((f) => f.configMapRef?.name === configMap.metadata.name), 'envFrom the ConfigMap').toBe(true);
  });

  test('every variable name is one from .env.example', () => {
    const c = server(deployment);
    const names = [...Object.keys(configMap.data as Record<string, string>), ...(c.env ?? []).map((e) => e.name)];
    expect(names.filter((n) => !ENV_NAMES.has(n))).toEqual([]);
  });

  test('the Service, the PDB, the HPA and the Ingress point at the Deployment', () => {
    const podLabels = deployment.spec.template.metadata?.labels ?? {};
    const portNames = (server(deployment).ports ?? []).map((p) => p.name);

    const service = only(all, 'Service') as Resource & {
      spec: { selector: Record<string, string>; ports: { name?: string; targetPort: string | number }[] };
    };
    expect(podLabels).toMatchObject(service.spec.selector);
    for (const p of service.spec.ports) expect(portNames).toContain(p.targetPort);

    const pdb = only(all, 'PodDisruptionBudget') as Resource & {
      spec: { minAvailable?: number; selector: { matchLabels: Record<string, string> } };
    };
    expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);

    const hpa = only(all, 'HorizontalPodAutoscaler') as Resource & {
      spec: { minReplicas: number; scaleTargetRef: { apiVersion: string; kind: string; name: string } };
    };
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    // With as many pods as minAvailable, a node drain could never evict one.
    expect(hpa.spec.minReplicas).toBeGreaterThan(pdb.spec.minAvailable ?? 0);

    const ingresses = all.filter((l) => l.resource.kind === 'Ingress').map((l) => l.resource);
    for (const ing of ingresses) {
      const backends = JSON.stringify(ing.spec);
      expect(backends).toContain(`"name":"${service.metadata.name}"`);
      // Without it ingress-nginx cuts a WebSocket that is quiet for 60 s.
      expect(Number(ing.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(300);
    }
  });
});

describe('the checks catch mistakes', () => {
  beforeAll(loadManifests);

  test('the schema rejects a wrong type and a missing required field', () => {
    expect(() => validate(Deployment as unknown as ModelClass, deployment)).not.toThrow();

    const wrongType = structuredClone(deployment) as unknown as { spec: { replicas: unknown } };
    wrongType.spec.replicas = 'two';
    expect(() => new Deployment(wrongType as never).validate()).toThrow(/replicas must be integer/);

    const noContainers = structuredClone(deployment) as unknown as { spec: { template: { spec: Partial<PodSpec> } } };
    delete noContainers.spec.template.spec.containers;
    expect(() => new Deployment(noContainers as never).validate()).toThrow(/containers/);
  });

  test('the schema rejects a ConfigMap value that is not a string', async () => {
    const model = await modelFor('v1', 'ConfigMap');
    const unquoted = structuredClone(configMap) as Resource & { data: Record<string, unknown> };
    unquoted.data.SHUTDOWN_GRACE_MS = 25000;
    expect(() => validate(model, unquoted)).toThrow();
  });

  test('a kind kubernetes-models does not know fails, it is not skipped', async () => {
    await expect(modelFor('example.com/v1', 'Widget')).rejects.toThrow(/no schema/);
    await expect(modelFor('apps/v1', 'Deploymnet')).rejects.toThrow(/no schema/);
  });

  test('the schema accepts a misspelled field, which the policy checks then catch', () => {
    const misspelled = structuredClone(deployment);
    const c = server(misspelled) as Container & { readinesProbe?: Probe };
    c.readinesProbe = c.readinessProbe;
    delete c.readinessProbe;
    // Why the policy checks exist: if this starts throwing, the schemas have become strict.
    expect(() => validate(Deployment as unknown as ModelClass, misspelled)).not.toThrow();
    expect(() => checkProbes(misspelled)).toThrow();
  });

  test('a grace period shorter than the drain fails', () => {
    const short = structuredClone(deployment);
    podSpec(short).terminationGracePeriodSeconds = 25;
    expect(() => checkGracePeriod(short, configMap)).toThrow();
  });

  test('a secret given as a value fails', () => {
    const leaky = structuredClone(deployment);
    server(leaky).env = [{ name: 'OPENAI_API_KEY', value: 'sk-test' }];
    expect(() => checkSecrets(leaky, configMap)).toThrow();
    const inConfigMap = structuredClone(configMap) as Resource & { data: Record<string, string> };
    inConfigMap.data.REDIS_URL = 'redis://:pass@redis:6379';
    expect(() => checkSecrets(deployment, inConfigMap)).toThrow();
  });
});
