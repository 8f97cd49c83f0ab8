import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '@rapidrtmp/server-config';
import { REPO_ROOT } from '@rapidrtmp/test-support';

// No Docker engine or cluster runs here, so these files are checked statically against the server's
// configuration schema: every variable they set must be one the server reads, and ports and probes
// must match what the server serves.

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const known = new Set<string>([...CONFIG_VARIABLES, 'NODE_ENV']);

function yamlDocs(path: string): Array<Record<string, any>> {
  return parseAllDocuments(read(path)).map((doc) => {
    assert.equal(doc.errors.length, 0, `${path}: ${doc.errors.join(', ')}`);
    return doc.toJS() as Record<string, any>;
  });
}

describe('docker/server.Dockerfile', () => {
  const dockerfile = read('docker/server.Dockerfile');

  it('is multi-stage on a slim Node LTS image and runs as a non-root user', () => {
    const stages = [...dockerfile.matchAll(/^FROM (\S+)( AS (\w+))?/gm)];
    assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
    for (const [, image] of stages)
      assert.match(image!, /^node:(2[02468])-slim$/, `${image} is an even (LTS) slim Node image`);
    assert.match(dockerfile, /^USER node$/m);
  });

  it('exposes HTTP 8080 and RTMP 1935 and health-checks /healthz', () => {
    assert.match(dockerfile, /^EXPOSE 8080\/tcp 1935\/tcp$/m);
    assert.match(dockerfile, /^HEALTHCHECK .*\n?.*\/healthz/m);
    assert.match(dockerfile, /^CMD \["node", "apps\/server\/dist\/main\.js"\]$/m);
  });

  it('sets only variables the server reads, with valid values', () => {
    const envBlock = /^ENV ([\s\S]*?)\n(?=\S)/m.exec(dockerfile)![1]!;
    const env = Object.fromEntries([...envBlock.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    for (const name of Object.keys(env)) assert.ok(known.has(name), `${name} is not a configuration variable`);
    const config = loadConfig(env);
    assert.equal(config.httpPort, 8080);
    assert.equal(config.rtmpPort, 1935);
  });
});

describe('docker/compose.yaml', () => {
  const [compose] = yamlDocs('docker/compose.yaml');
  const server = compose!.services.rapidrtmp;

  it('runs the server image next to PostgreSQL with a health-gated start', () => {
    assert.equal(server.build.dockerfile, 'docker/server.Dockerfile');
    assert.equal(server.depends_on.postgres.condition, 'service_healthy');
    assert.match(compose!.services.postgres.image, /^postgres:\d+/);
    assert.deepEqual(server.ports, ['8080:8080', '1935:1935']);
  });

  it('sets only variables the server reads, pointing DATABASE_URL at the postgres service', () => {
    for (const name of Object.keys(server.environment))
      assert.ok(known.has(name), `${name} is not a configuration variable`);
    assert.match(server.environment.DATABASE_URL, /^postgres:\/\/\w+:\w+@postgres:5432\/\w+$/);
  });
});

describe('k8s/base (kustomize)', () => {
  const kustomization = yamlDocs('k8s/base/kustomization.yaml')[0]!;
  const resources = (kustomization.resources as string[]).flatMap((file) => yamlDocs(`k8s/base/${file}`));
  const byKind = (kind: string) => resources.filter((r) => r.kind === kind);
  const deployment = byKind('Deployment')[0]!;
  const container = deployment.spec.template.spec.containers[0];
  const configMap = byKind('ConfigMap')[0]!;
  const secret = byKind('Secret')[0]!;

  it('lists a Deployment, a ConfigMap, a Secret and two Services', () => {
    assert.equal(byKind('Deployment').length, 1);
    assert.equal(byKind('Service').length, 2);
    assert.ok(configMap && secret);
  });

  it('probes liveness on /healthz and readiness on /readyz over the http port', () => {
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.port, 'http');
    assert.equal(container.readinessProbe.httpGet.port, 'http');
    assert.ok(container.resources.requests.cpu && container.resources.requests.memory, 'resource requests are set');
    assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);
  });

  it('takes config from the ConfigMap and secrets from the Secret, all of them variables the server reads', () => {
    const sources = container.envFrom.map(
      (s: Record<string, { name: string }>) => s.configMapRef?.name ?? s.secretRef?.name,
    );
    assert.deepEqual(sources, [configMap.metadata.name, secret.metadata.name]);
    const names = [
      ...Object.keys(configMap.data),
      ...Object.keys(secret.stringData),
      ...container.env.map((e: { name: string }) => e.name),
    ];
    for (const name of names) assert.ok(known.has(name), `${name} is not a configuration variable`);
    for (const sensitive of ['DATABASE_URL', 'ADMIN_PASSWORD']) {
      assert.ok(!(sensitive in configMap.data), `${sensitive} belongs in the Secret`);
    }
    const config = loadConfig({ ...configMap.data, ...secret.stringData, NODE_ID: 'rapidrtmp-0' });
    assert.equal(config.httpPort, container.ports.find((p: { name: string }) => p.name === 'http').containerPort);
    assert.equal(config.rtmpPort, container.ports.find((p: { name: string }) => p.name === 'rtmp').containerPort);
  });

  it('exposes HTTP and RTMP (TCP 1935) services selecting the pods', () => {
    const podLabels = deployment.spec.template.metadata.labels;
    assert.deepEqual(deployment.spec.selector.matchLabels, podLabels);
    const [http, rtmp] = ['rapidrtmp-http', 'rapidrtmp-rtmp'].map((n) =>
      byKind('Service').find((s) => s.metadata.name === n)!,
    );
    for (const service of [http!, rtmp!]) assert.deepEqual(service.spec.selector, podLabels);
    assert.equal(http!.spec.ports[0].targetPort, 'http');
    assert.deepEqual(
      {
        port: rtmp!.spec.ports[0].port,
        protocol: rtmp!.spec.ports[0].protocol,
        targetPort: rtmp!.spec.ports[0].targetPort,
      },
      { port: 1935, protocol: 'TCP', targetPort: 'rtmp' },
    );
  });
});
