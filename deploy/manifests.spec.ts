import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parseAllDocuments } from 'yaml';
import { CheckinsEnv } from '../services/checkins/src/config/checkins.config';
import { CustomersEnv } from '../services/customers/src/config/customers.config';
import { GatewayEnv } from '../services/gateway/src/config/gateway.config';
import { PermissionsEnv } from '../services/permissions/src/config/permissions.config';
import { SyncEnv } from '../services/sync/src/config/sync.config';
import { VisitsEnv } from '../services/visits/src/config/visits.config';

// Manifests are YAML: the test walks them as loose JSON-like trees.
type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped parsed YAML

const ROOT = path.resolve(__dirname, '..');
const BASE = path.join(__dirname, 'base');
const envClasses: Record<string, new () => object> = {
  checkins: CheckinsEnv,
  customers: CustomersEnv,
  gateway: GatewayEnv,
  permissions: PermissionsEnv,
  sync: SyncEnv,
  visits: VisitsEnv,
};
const services = readdirSync(path.join(ROOT, 'services')).filter((name) => existsSync(path.join(ROOT, 'services', name, 'src', 'main.ts')));

function load(file: string): Node[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((document) => document.toJS() as Node);
}

function manifestsOf(service: string): Node[] {
  const directory = path.join(BASE, service);
  const kustomization = load(path.join(directory, 'kustomization.yaml'))[0] as { resources: string[] };
  return kustomization.resources.flatMap((file) => load(path.join(directory, file)));
}

function only(manifests: Node[], kind: string): Node {
  const found = manifests.filter((manifest) => manifest['kind'] === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Every variable the env class reads: initialized fields plus decorated ones without a default. */
function envNames(EnvClass: new () => object): Set<string> {
  const decorated = getMetadataStorage()
    .getTargetValidationMetadatas(EnvClass, '', true, false)
    .map((metadata) => metadata.propertyName);
  return new Set([...Object.keys(new EnvClass()), ...decorated]);
}

function envSetBy(manifests: Node[], container: Node): string[] {
  const fromEnv = ((container['env'] ?? []) as Node[]).map((variable) => variable['name'] as string);
  const configMaps = ((container['envFrom'] ?? []) as Node[]).map((source) => source['configMapRef']?.['name'] as string);
  const fromConfigMaps = manifests
    .filter((manifest) => manifest['kind'] === 'ConfigMap' && configMaps.includes(manifest['metadata']['name']))
    .flatMap((manifest) => Object.keys(manifest['data'] ?? {}));
  return [...fromEnv, ...fromConfigMaps];
}

function defaultPort(service: string): number {
  return (new envClasses[service]!() as { PORT: number }).PORT;
}

describe('deploy manifests', () => {
  it('cover every service, and the base kustomization lists them all', () => {
    expect(Object.keys(envClasses).sort()).toEqual([...services].sort());
    const base = load(path.join(BASE, 'kustomization.yaml'))[0] as { resources: string[] };
    for (const service of services) expect(base.resources).toContain(service);
    const overlay = load(path.join(__dirname, 'overlays', 'production', 'kustomization.yaml'))[0] as Node;
    expect(overlay['resources']).toEqual(['../../base']);
    expect((overlay['images'] as Node[]).map((image) => image['name']).sort()).toEqual(services.map((service) => `ghcr.io/fieldforce/${service}`).sort());
  });

  describe.each(services.map((service) => [service]))('%s', (service) => {
    const manifests = manifestsOf(service);
    const deployment = only(manifests, 'Deployment');
    const pod = deployment['spec']['template']['spec'] as Node;
    const container = (pod['containers'] as Node[])[0]!;
    const port = defaultPort(service);
    const config = only(manifests, 'ConfigMap')['data'] as Record<string, string>;

    it('runs its own image on its default PORT, with a Service in front', () => {
      expect(container['image']).toBe(`ghcr.io/fieldforce/${service}:latest`);
      expect(container['ports']).toEqual([{ name: 'http', containerPort: port }]);
      expect(config['PORT']).toBe(String(port));
      const serviceManifest = only(manifests, 'Service');
      expect(serviceManifest['spec']['ports']).toEqual([{ name: 'http', port, targetPort: 'http' }]);
      expect(serviceManifest['spec']['selector']).toEqual(deployment['spec']['selector']['matchLabels']);
    });

    it('probes liveness and readiness on the health endpoints, with resources and a non-root security context', () => {
      expect(container['livenessProbe']['httpGet']).toEqual({ path: '/health/live', port: 'http' });
      expect(container['readinessProbe']['httpGet']).toEqual({ path: '/health/ready', port: 'http' });
      expect(container['resources']['requests']).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container['resources']['limits']).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(pod['securityContext']['runAsNonRoot']).toBe(true);
      expect(container['securityContext']).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
    });

    it('gives the pod time for preStop plus the graceful shutdown before it is killed', () => {
      const preStopSeconds = Number((container['lifecycle']['preStop']['exec']['command'] as string[])[1]);
      const shutdownSeconds = (Number(config['SHUTDOWN_TIMEOUT_MS']) + Number(config['SHUTDOWN_DRAIN_DELAY_MS'] ?? 0)) / 1000;
      expect(pod['terminationGracePeriodSeconds']).toBeGreaterThan(preStopSeconds + shutdownSeconds);
    });

    it('sets only variables its config env class reads, and takes secrets from its Secret', () => {
      const known = envNames(envClasses[service]!);
      expect(envSetBy(manifests, container).filter((name) => !known.has(name))).toEqual([]);
      for (const variable of (container['env'] ?? []) as Node[]) {
        expect(variable['valueFrom']['secretKeyRef']['name']).toBe(`fieldforce-${service}`);
      }
    });

    it('scales with an HPA and keeps a pod through disruptions', () => {
      const hpa = only(manifests, 'HorizontalPodAutoscaler');
      expect(hpa['spec']['scaleTargetRef']).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment['metadata']['name'] });
      expect(hpa['spec']['minReplicas']).toBeGreaterThan(only(manifests, 'PodDisruptionBudget')['spec']['minAvailable']);
      expect(only(manifests, 'PodDisruptionBudget')['spec']['selector']['matchLabels']).toEqual(deployment['spec']['selector']['matchLabels']);
    });

    const hasMigrations = existsSync(path.join(ROOT, 'services', service, 'src', 'migrate.ts'));
    it(hasMigrations ? 'migrates its schema in a pre-rollout Job with the same image and config' : 'has no migration Job (no schema)', () => {
      const jobs = manifests.filter((manifest) => manifest['kind'] === 'Job');
      if (!hasMigrations) {
        expect(jobs).toEqual([]);
        return;
      }
      const job = only(manifests, 'Job');
      expect(job['metadata']['annotations']).toMatchObject({ 'argocd.argoproj.io/hook': 'PreSync', 'helm.sh/hook': 'pre-install,pre-upgrade' });
      const migrate = (job['spec']['template']['spec']['containers'] as Node[])[0]!;
      expect(migrate['image']).toBe(container['image']);
      expect(migrate['command']).toEqual(['node', `dist/services/${service}/src/migrate.js`, 'up']);
      const known = envNames(envClasses[service]!);
      expect(envSetBy(manifests, migrate).filter((name) => !known.has(name))).toEqual([]);
      expect(envSetBy(manifests, migrate)).toContain('DATABASE_URL');
    });
  });
});
