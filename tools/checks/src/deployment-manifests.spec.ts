import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type AppConfig, CONFIG_VARIABLES, loadConfig } from '@rapidrtmp/server-config';
import { REPO_ROOT, SERVER_NODE_FLAGS } from '@rapidrtmp/test-support';
import { kustomize, type Manifest, parseYaml, unlistedManifests } from './kustomize-subset.js';
import { containerEnvironment, containerPort, DOWNWARD, expansionHelpers, quantity } from './pod-environment.js';

// No Docker engine or cluster runs here, so these files are checked statically against the server's
// configuration schema: every variable they set must be one the server reads, and ports and probes
// must match what the server serves. k8s/ is resolved by ./kustomize-subset.ts (no kustomize binary).

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const known = new Set<string>([...CONFIG_VARIABLES, 'NODE_ENV']);
/** Values that are secrets: never in a ConfigMap, never a literal in a manifest. */
const SECRETS = [
  'DATABASE_URL',
  'CLUSTER_SECRET',
  'PLAYBACK_SIGNING_SECRET',
  'SECRETS_ENCRYPTION_KEY',
  'ADMIN_PASSWORD',
];

function yamlDocs(path: string): Manifest[] {
  return parseYaml(read(path), path);
}

/** The Dockerfile's runtime ENV (the defaults every container of the image starts from). */
function dockerfileEnv(dockerfile: string): Record<string, string> {
  const envBlock = /^ENV ([\s\S]*?)\n(?=\S)/m.exec(dockerfile)![1]!;
  return Object.fromEntries([...envBlock.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
}

/** Docker Compose durations (`15s`, `1m30s`) in milliseconds. */
function durationMs(value: string): number {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  assert.equal(parts.map((p) => p[0]).join(''), value, `${value} is a duration`);
  const scale: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * scale[unit!]!, 0);
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

  it('exposes HTTP 8080, RTMP 1935 and RTMPS 1936, and health-checks /healthz', () => {
    assert.match(dockerfile, /^EXPOSE 8080\/tcp 1935\/tcp 1936\/tcp$/m);
    assert.match(dockerfile, /^HEALTHCHECK .*\n?.*\/healthz/m);
  });

  it('starts the server with the V8 flags every launch uses (SERVER_NODE_FLAGS), as npm start does', () => {
    const flags = SERVER_NODE_FLAGS.map((flag) => `"${flag}", `).join('');
    assert.ok(dockerfile.includes(`\nCMD ["node", ${flags}"apps/server/dist/main.js"]\n`), 'the image CMD');
    const scripts = (path: string) => (JSON.parse(read(path)) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts('package.json').start, ['node', ...SERVER_NODE_FLAGS, 'scripts/start.mjs'].join(' '));
    assert.equal(scripts('apps/server/package.json').start, ['node', ...SERVER_NODE_FLAGS, 'dist/main.js'].join(' '));
  });

  it('installs ffmpeg in the runtime image (thumbnails decode with it)', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    assert.match(runtime, /apt-get install -y --no-install-recommends ffmpeg/);
    assert.doesNotMatch(dockerfile, /FFMPEG_PATH=/, 'the image relies on ffmpeg being on PATH');
  });

  it('sets only variables the server reads, with valid values', () => {
    const env = dockerfileEnv(dockerfile);
    for (const name of Object.keys(env)) assert.ok(known.has(name), `${name} is not a configuration variable`);
    const config = loadConfig(env);
    assert.equal(config.httpPort, 8080);
    assert.equal(config.rtmpPort, 1935);
  });
});

// ---------------------------------------------------------------------------------------------------
// Kubernetes

/** What every kustomization of k8s/ must satisfy; returns the pieces for the specific checks. */
function describeKubernetesNodes(dir: string) {
  const resources = kustomize(join(REPO_ROOT, dir));
  const byKind = (kind: string) => resources.filter((r) => r.kind === kind);
  const workloads = resources.filter((r) => r.kind === 'Deployment' || r.kind === 'StatefulSet');
  const workload = workloads[0]!;
  const pod = workload.spec.template.spec;
  const podLabels: Record<string, string> = workload.spec.template.metadata.labels;
  const container = pod.containers.find((c: Manifest) => c.name === 'rapidrtmp');
  const env = containerEnvironment(resources, container);
  const envValues = Object.fromEntries([...env].map(([name, entry]) => [name, entry.value]));
  const config = (): AppConfig => loadConfig(envValues);
  const service = (name: string) => byKind('Service').find((s) => s.metadata.name === name)!;
  const selects = (selector: Record<string, string> | undefined) =>
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => podLabels[k] === v);

  it('lists every manifest of its directory in kustomization.yaml', () => {
    assert.deepEqual(unlistedManifests(join(REPO_ROOT, dir)), [], 'manifests kustomize would silently skip');
  });

  it('runs one workload of the server container, whose pods every Service selects', () => {
    assert.equal(workloads.length, 1);
    assert.ok(container, 'a container named rapidrtmp');
    assert.deepEqual(workload.spec.selector.matchLabels, podLabels);
    for (const s of byKind('Service')) assert.ok(selects(s.spec.selector), `${s.metadata.name} selects the pods`);
  });

  it('sets only variables the server reads (ConfigMaps, Secrets, env), and they load', () => {
    const helpers = expansionHelpers(container);
    const names = [
      ...byKind('ConfigMap').flatMap((c) => Object.keys(c.data ?? {})),
      ...byKind('Secret').flatMap((s) => [...Object.keys(s.stringData ?? {}), ...Object.keys(s.data ?? {})]),
      ...[...env.keys()].filter((name) => !helpers.has(name)),
    ];
    for (const name of names) assert.ok(known.has(name), `${name} is not a configuration variable`);
    for (const name of helpers) assert.ok(!known.has(name), `${name} is read by the server, not only a helper`);
    assert.equal(config().httpPort, containerPort(container, 'http'));
    assert.equal(config().rtmpPort, containerPort(container, 'rtmp'));
    // RTMPS is off until its certificate files are set; with them, the server listens on the declared port.
    const tls = { RTMPS_CERT_FILE: '/etc/rapidrtmp/rtmps/tls.crt', RTMPS_KEY_FILE: '/etc/rapidrtmp/rtmps/tls.key' };
    assert.equal(loadConfig({ ...envValues, ...tls }).rtmps?.port, containerPort(container, 'rtmps'));
  });

  it('names each node after its pod (NODE_ID) and lets peers reach it at its pod IP (NODE_URL)', () => {
    assert.equal(env.get('NODE_ID')?.from, 'fieldRef metadata.name');
    const entries = container.env.map((e: Manifest) => e.name);
    const nodeUrl = container.env.find((e: Manifest) => e.name === 'NODE_URL');
    const podIp = /^http:\/\/\$\((\w+)\):(\d+)$/.exec(nodeUrl?.value ?? '');
    assert.ok(podIp, `NODE_URL is http://$(<pod IP variable>):<port>, got ${nodeUrl?.value}`);
    assert.equal(env.get(podIp[1]!)?.from, 'fieldRef status.podIP');
    assert.ok(entries.indexOf(podIp[1]) < entries.indexOf('NODE_URL'), `${podIp[1]} is declared before NODE_URL`);
    assert.equal(Number(podIp[2]), config().httpPort, 'NODE_URL names the HTTP port');
    assert.equal(config().cluster.nodeUrl, `http://${DOWNWARD['status.podIP']}:${config().httpPort}`);
    for (const shared of [...byKind('ConfigMap'), ...byKind('Secret')])
      for (const perNode of ['NODE_ID', 'NODE_URL'])
        assert.ok(
          !(perNode in { ...shared.data, ...shared.stringData }),
          `${perNode} is per node, not in a shared map`,
        );
  });

  it('takes CLUSTER_SECRET, DATABASE_URL and the other secrets from a Secret, never from a ConfigMap', () => {
    for (const name of SECRETS) {
      assert.match(env.get(name)?.from ?? 'unset', /^Secret /, `${name} comes from a Secret`);
      for (const configMap of byKind('ConfigMap'))
        assert.ok(!(name in (configMap.data ?? {})), `${name} in a ConfigMap`);
      assert.ok(
        !(container.env ?? []).some((e: Manifest) => e.name === name && e.value !== undefined),
        `${name} is not a literal`,
      );
    }
  });

  it('shares what a cluster shares: PostgreSQL, the GCS bucket, the signing secret', () => {
    const c = config();
    assert.ok(c.databaseUrl, 'an external PostgreSQL (the embedded one is per node)');
    assert.equal(c.storage.backend, 'gcs');
    assert.ok(c.storage.gcsBucket);
    assert.ok(c.playbackSigningSecret, 'one signing secret, so signed playback works on every node');
    assert.ok(
      c.hls.republishGraceSeconds >= c.cluster.leaseSeconds,
      'HLS_REPUBLISH_GRACE_SECONDS >= CLUSTER_LEASE_SECONDS: a republish after a node loss continues the playlist',
    );
  });

  it('gives the drain (preStop, then SHUTDOWN_GRACE_MS) time before SIGKILL, and surges on rollout', () => {
    const preStop = container.lifecycle?.preStop;
    const preStopMs = preStop?.sleep
      ? preStop.sleep.seconds * 1000
      : preStop?.exec?.command?.[0] === 'sleep'
        ? Number(preStop.exec.command[1]) * 1000
        : 0;
    assert.ok(!preStop || preStopMs > 0, 'a preStop is a sleep these checks can time');
    const graceMs = pod.terminationGracePeriodSeconds * 1000;
    assert.ok(graceMs > config().shutdownGraceMs, 'terminationGracePeriodSeconds * 1000 > SHUTDOWN_GRACE_MS');
    assert.ok(graceMs > preStopMs + config().shutdownGraceMs, 'and covers the preStop too');
    if (workload.kind === 'Deployment') assert.equal(workload.spec.strategy.rollingUpdate.maxUnavailable, 0);
  });

  it('probes /healthz (startup, liveness) and /readyz (readiness) on the HTTP port', () => {
    const probes = {
      startupProbe: '/healthz',
      livenessProbe: '/healthz',
      readinessProbe: '/readyz',
    };
    for (const [probe, path] of Object.entries(probes)) {
      const httpGet = container[probe]?.httpGet;
      assert.equal(httpGet?.path, path, `${probe} on ${path}`);
      assert.equal(containerPort(container, httpGet.port), config().httpPort, `${probe} on HTTP_PORT`);
    }
  });

  it('runs non-root on a read-only root filesystem, with DATA_DIR on an emptyDir larger than the spool', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    const mount = container.volumeMounts.find((m: Manifest) => m.mountPath === config().dataDir);
    assert.ok(mount, 'DATA_DIR is a mounted volume');
    const volume = pod.volumes.find((v: Manifest) => v.name === mount.name);
    assert.ok(volume?.emptyDir, 'DATA_DIR is an emptyDir');
    if (volume.emptyDir.sizeLimit)
      assert.ok(quantity(volume.emptyDir.sizeLimit) > config().storage.spoolMaxBytes, 'the spool fits in DATA_DIR');
  });

  it('requests CPU and memory, with a memory limit that holds the upload queue and the edge cache', () => {
    const { requests, limits } = container.resources;
    assert.ok(requests.cpu && requests.memory, 'requests are set (the HPA scales on the CPU request)');
    const c = config();
    assert.ok(
      quantity(limits.memory) >= c.storage.queueMaxBytes + c.cluster.edgeCacheBytes + 512 * 2 ** 20,
      'memory limit >= STORAGE_QUEUE_MAX_BYTES + EDGE_CACHE_BYTES + 512 MiB for the process and live streams',
    );
  });

  it('spreads the pods over nodes', () => {
    const spread = (pod.topologySpreadConstraints ?? []).find(
      (t: Manifest) => t.topologyKey === 'kubernetes.io/hostname' && selects(t.labelSelector?.matchLabels),
    );
    const antiAffinity = [
      ...(pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
      ...(pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
        (p: Manifest) => p.podAffinityTerm,
      ),
    ].find((t: Manifest) => t.topologyKey === 'kubernetes.io/hostname' && selects(t.labelSelector?.matchLabels));
    assert.ok(spread || antiAffinity, 'a hostname topology spread or pod anti-affinity on the pod labels');
  });

  it('serves HTTP (ClusterIP), RTMP (LoadBalancer, externalTrafficPolicy Local) and the nodes (headless)', () => {
    const http = service('rapidrtmp-http');
    assert.equal(http.spec.type, 'ClusterIP');
    assert.equal(containerPort(container, http.spec.ports[0].targetPort), config().httpPort);
    const rtmp = service('rapidrtmp-rtmp');
    assert.equal(rtmp.spec.type, 'LoadBalancer');
    assert.equal(rtmp.spec.externalTrafficPolicy, 'Local', 'keeps the encoder address, only nodes with a pod');
    const [rtmpPort] = rtmp.spec.ports;
    assert.deepEqual(
      { port: rtmpPort.port, protocol: rtmpPort.protocol, target: containerPort(container, rtmpPort.targetPort) },
      { port: 1935, protocol: 'TCP', target: config().rtmpPort },
    );
    const headless = byKind('Service').filter((s) => s.spec.clusterIP === 'None');
    assert.equal(headless.length, 1, 'one headless Service for node-to-node traffic');
    assert.ok(selects(headless[0]!.spec.selector));
    assert.equal(headless[0]!.spec.publishNotReadyAddresses, true, 'a draining node still serves its streams');
    assert.equal(containerPort(container, headless[0]!.spec.ports[0].targetPort), config().httpPort);
  });

  return { resources, byKind, workload, selects };
}

describe('k8s/base (kustomize): the cluster', () => {
  const { byKind, workload, selects } = describeKubernetesNodes('k8s/base');

  it('runs more than one node', () => {
    assert.ok(workload.spec.replicas > 1, `replicas ${workload.spec.replicas}`);
  });

  it('lets voluntary disruptions take one pod at a time (PodDisruptionBudget)', () => {
    const pdbs = byKind('PodDisruptionBudget');
    assert.equal(pdbs.length, 1);
    assert.equal(pdbs[0]!.apiVersion, 'policy/v1');
    assert.equal(pdbs[0]!.spec.maxUnavailable, 1);
    assert.ok(selects(pdbs[0]!.spec.selector.matchLabels), 'the budget covers the pods');
  });

  it('scales the workload on CPU (HorizontalPodAutoscaler, autoscaling/v2)', () => {
    const hpas = byKind('HorizontalPodAutoscaler');
    assert.equal(hpas.length, 1);
    const { apiVersion, spec } = hpas[0]!;
    assert.equal(apiVersion, 'autoscaling/v2');
    assert.deepEqual(spec.scaleTargetRef, {
      apiVersion: workload.apiVersion,
      kind: workload.kind,
      name: workload.metadata.name,
    });
    assert.equal(spec.minReplicas, workload.spec.replicas, 'the minimum is the replica count the base declares');
    assert.ok(spec.maxReplicas > spec.minReplicas);
    const cpu = spec.metrics.find((m: Manifest) => m.type === 'Resource' && m.resource.name === 'cpu');
    assert.equal(cpu?.resource.target.type, 'Utilization');
    assert.ok(cpu.resource.target.averageUtilization > 0 && cpu.resource.target.averageUtilization <= 100);
  });
});

describe('k8s/overlays/single-node (kustomize): one node', () => {
  const { byKind, workload } = describeKubernetesNodes('k8s/overlays/single-node');

  it('runs one replica, without an autoscaler or a disruption budget', () => {
    assert.equal(workload.spec.replicas, 1);
    assert.deepEqual(byKind('HorizontalPodAutoscaler'), []);
    assert.deepEqual(byKind('PodDisruptionBudget'), []);
  });
});

// kubectl embeds kustomize; where it is installed, the resolver above must agree with it (apart from the
// labels transformer's metadata.labels, which the resolver does not apply).
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

describe('k8s/ resolved here agrees with `kubectl kustomize`', { skip: !kubectl && 'kubectl is not installed' }, () => {
  const withoutMetadataLabels = (resources: Manifest[]) =>
    resources
      .map((r): Manifest => ({ ...r, metadata: { ...r.metadata, labels: undefined } }))
      .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

  for (const dir of ['k8s/base', 'k8s/overlays/single-node']) {
    it(dir, () => {
      const built = spawnSync('kubectl', ['kustomize', join(REPO_ROOT, dir)], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(built.status, 0, built.stderr);
      assert.deepEqual(
        withoutMetadataLabels(parseYaml(built.stdout, `kubectl kustomize ${dir}`)),
        withoutMetadataLabels(kustomize(join(REPO_ROOT, dir))),
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------------
// Docker Compose

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` with `vars` as the shell environment. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (vars[name] !== undefined) return vars[name];
    if (op === '-') return arg ?? '';
    assert.fail(`${name} is required by compose.yaml and not set in the sample environment`);
  });
}

describe('docker/compose.yaml: two nodes', () => {
  const [compose] = yamlDocs('docker/compose.yaml');
  const services: Record<string, Manifest> = compose!.services;
  const nodeNames = Object.keys(services).filter(
    (name) => services[name]!.build?.dockerfile === 'docker/server.Dockerfile',
  );
  const nodes = nodeNames.map((name) => ({ name, service: services[name]! }));
  const dockerfile = read('docker/server.Dockerfile');
  // The secrets compose asks the user for, with valid sample values.
  const shell = {
    ADMIN_PASSWORD: 'a-long-admin-password',
    CLUSTER_SECRET: 'c'.repeat(32),
    PLAYBACK_SIGNING_SECRET: 'p'.repeat(32),
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  const rawEnv = (service: Manifest): Record<string, string> =>
    Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
  const envOf = (service: Manifest) => ({
    ...dockerfileEnv(dockerfile),
    ...Object.fromEntries(Object.entries(rawEnv(service)).map(([k, v]) => [k, interpolate(v, shell)])),
  });
  const configOf = (service: Manifest) => loadConfig(envOf(service));
  const namedVolumeAt = (service: Manifest, path: string) =>
    (service.volumes as string[]).map((v) => v.split(':')).find(([, target]) => target === path)?.[0];

  it('runs two nodes of one server image next to one PostgreSQL, each started once it is healthy', () => {
    assert.deepEqual(nodeNames, ['node-a', 'node-b']);
    assert.deepEqual(nodes[0]!.service.build, nodes[1]!.service.build);
    assert.equal(nodes[0]!.service.image, nodes[1]!.service.image);
    const databases = Object.values(services).filter((s) => /^postgres:\d+/.test(s.image ?? ''));
    assert.equal(databases.length, 1);
    assert.ok(services.postgres?.healthcheck, 'PostgreSQL has a healthcheck');
    for (const { name, service } of nodes)
      assert.equal(service.depends_on?.postgres?.condition, 'service_healthy', `${name} waits for PostgreSQL`);
  });

  it('sets only variables the server reads, and each node loads them', () => {
    for (const { name, service } of nodes) {
      for (const variable of Object.keys(service.environment))
        assert.ok(known.has(variable), `${name}: ${variable} is not a configuration variable`);
      assert.doesNotThrow(() => configOf(service), `${name} loads its configuration`);
    }
  });

  it('points both nodes at one database and one media volume, each with its own DATA_DIR', () => {
    const [a, b] = nodes.map(({ service }) => configOf(service));
    assert.match(a!.databaseUrl ?? '', /^postgres:\/\/\w+:\w+@postgres:5432\/\w+$/);
    assert.equal(a!.databaseUrl, b!.databaseUrl);
    assert.equal(a!.storage.backend, 'local');
    assert.equal(a!.storage.localDir, b!.storage.localDir);
    const [mediaA, mediaB] = nodes.map(({ service }) => namedVolumeAt(service, a!.storage.localDir));
    assert.ok(mediaA && mediaA === mediaB, `both mount one named volume at STORAGE_LOCAL_DIR (${a!.storage.localDir})`);
    assert.ok(mediaA in (compose!.volumes ?? {}), `${mediaA} is a named volume`);
    const [dataA, dataB] = nodes.map(({ service }) => namedVolumeAt(service, configOf(service).dataDir));
    assert.ok(dataA && dataB && dataA !== dataB, 'DATA_DIR (spool, signing secret file) is per node');
  });

  it('creates the shared media mount point owned by the node user in the image', () => {
    const localDir = configOf(nodes[0]!.service).storage.localDir;
    // A new named volume takes the owner of the image directory it is mounted on.
    const chown = /^RUN .*chown node:node ([^\n&]*)/m.exec(dockerfile)?.[1]?.split(/\s+/) ?? [];
    assert.ok(chown.includes(localDir), `the Dockerfile chowns ${localDir} to node (got ${chown.join(' ')})`);
  });

  it('gives each node its own NODE_ID and a NODE_URL naming its own service, with one CLUSTER_SECRET', () => {
    const configs = nodes.map(({ service }) => configOf(service));
    assert.equal(new Set(configs.map((c) => c.nodeId)).size, nodes.length, 'distinct NODE_IDs');
    nodes.forEach(({ name }, i) => {
      const url = new URL(configs[i]!.cluster.nodeUrl ?? 'http://unset');
      assert.equal(url.hostname, name, `${name}: NODE_URL names its own service`);
      assert.equal(Number(url.port || 80), configs[i]!.httpPort, `${name}: NODE_URL names HTTP_PORT`);
    });
    for (const shared of ['CLUSTER_SECRET', 'PLAYBACK_SIGNING_SECRET'])
      assert.equal(new Set(nodes.map(({ service }) => rawEnv(service)[shared])).size, 1, `one ${shared}`);
    assert.ok(
      configs.every((c) => c.cluster.secret),
      'CLUSTER_SECRET is set',
    );
  });

  it("publishes each node's HTTP and RTMP ports on host ports of its own (and PUBLIC_URL names it)", () => {
    const hostPorts: string[] = [];
    for (const { name, service } of nodes) {
      const config = configOf(service);
      const published = Object.fromEntries(
        (service.ports as string[]).map((p) => p.split(':')).map(([host, target]) => [Number(target), host!]),
      );
      assert.ok(published[config.httpPort], `${name} publishes HTTP_PORT`);
      assert.ok(published[config.rtmpPort], `${name} publishes RTMP_PORT`);
      assert.equal(new URL(config.publicUrl).port, published[config.httpPort], `${name}: PUBLIC_URL is its own port`);
      hostPorts.push(...Object.values(published));
    }
    assert.equal(new Set(hostPorts).size, hostPorts.length, 'no host port is published twice');
    // RTMPS (1936 by default, exposed by the image) must stay free for a node that turns it on.
    assert.ok(!hostPorts.includes('1936'), `host ports ${hostPorts.join(', ')} leave RTMPS's 1936 free`);
  });

  it('health-checks /readyz on each node and lets it drain before the stop turns into a kill', () => {
    for (const { name, service } of nodes) {
      const config = configOf(service);
      const test = [service.healthcheck?.test ?? []].flat().join(' ');
      assert.match(test, new RegExp(`:${config.httpPort}/readyz`), `${name} health-checks /readyz on HTTP_PORT`);
      assert.ok(
        durationMs(service.stop_grace_period ?? '10s') > config.shutdownGraceMs,
        `${name}: stop_grace_period > SHUTDOWN_GRACE_MS`,
      );
    }
  });
});
