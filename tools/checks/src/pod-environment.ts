import assert from 'node:assert/strict';
import type { Manifest } from './kustomize-subset.js';

// What a pod's container sees, worked out from the manifests the way the kubelet does it, so the checks can
// load the server's configuration exactly as one pod would.

/** Sample values the downward API would give one pod. */
export const DOWNWARD: Record<string, string> = {
  'metadata.name': 'rapidrtmp-6c9f7d8b5-x2x7q',
  'status.podIP': '10.8.0.12',
};

export interface EnvEntry {
  value: string;
  /** `ConfigMap <name>`, `Secret <name>`, `literal` or `fieldRef <path>`. */
  from: string;
}

/**
 * A container's environment as the kubelet builds it: `envFrom` in order, then `env` (which wins), with
 * `$(NAME)` expanded from the entries declared before it.
 */
export function containerEnvironment(resources: Manifest[], container: Manifest): Map<string, EnvEntry> {
  const find = (kind: string, name: string) => {
    const found = resources.find((r) => r.kind === kind && r.metadata.name === name);
    assert.ok(found, `the container refers to ${kind} ${name}, which is not among the resources`);
    return found;
  };
  const env = new Map<string, EnvEntry>();
  for (const source of container.envFrom ?? []) {
    const [kind, ref] = source.configMapRef ? ['ConfigMap', source.configMapRef] : ['Secret', source.secretRef];
    const resource = find(kind, ref.name);
    const data = kind === 'ConfigMap' ? (resource.data ?? {}) : secretData(resource);
    for (const [name, value] of Object.entries(data))
      env.set(name, { value: String(value), from: `${kind} ${ref.name}` });
  }
  for (const entry of container.env ?? []) {
    const from = entry.valueFrom;
    if (entry.value !== undefined) {
      const value = String(entry.value).replace(/\$\((\w+)\)/g, (ref, name: string) => env.get(name)?.value ?? ref);
      env.set(entry.name, { value, from: 'literal' });
    } else if (from?.fieldRef) {
      const path: string = from.fieldRef.fieldPath;
      env.set(entry.name, { value: DOWNWARD[path] ?? `<${path}>`, from: `fieldRef ${path}` });
    } else if (from?.secretKeyRef) {
      const value = secretData(find('Secret', from.secretKeyRef.name))[from.secretKeyRef.key];
      assert.ok(value !== undefined, `${entry.name}: Secret key ${from.secretKeyRef.key} missing`);
      env.set(entry.name, { value, from: `Secret ${from.secretKeyRef.name}` });
    } else if (from?.configMapKeyRef) {
      const value = find('ConfigMap', from.configMapKeyRef.name).data?.[from.configMapKeyRef.key];
      assert.ok(value !== undefined, `${entry.name}: ConfigMap key ${from.configMapKeyRef.key} missing`);
      env.set(entry.name, { value: String(value), from: `ConfigMap ${from.configMapKeyRef.name}` });
    } else {
      assert.fail(`${entry.name}: unsupported env source ${JSON.stringify(entry)}`);
    }
  }
  return env;
}

/** A Secret's values: `data` (base64) and `stringData` (which wins, as the API server merges them). */
export function secretData(secret: Manifest): Record<string, string> {
  const data = Object.entries((secret.data ?? {}) as Record<string, string>).map(([key, value]) => [
    key,
    Buffer.from(value, 'base64').toString(),
  ]);
  return { ...Object.fromEntries(data), ...secret.stringData };
}

/** Names set in `env` only to be expanded into another entry (`$(POD_IP)`): not read by the server. */
export function expansionHelpers(container: Manifest): Set<string> {
  const entries: Manifest[] = container.env ?? [];
  const values = entries.map((e) => String(e.value ?? ''));
  return new Set(entries.map((e) => e.name as string).filter((name) => values.some((v) => v.includes(`$(${name})`))));
}

/** The number behind a probe's or Service's port: a number, or the name of one of the container's ports. */
export function containerPort(container: Manifest, port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports.find((p: Manifest) => p.name === port)?.containerPort;
}

const QUANTITY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes quantity (`512Mi`, `3Gi`, `2`) as a number (bytes for memory and storage). */
export function quantity(value: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(value));
  assert.ok(match, `${value} is a quantity`);
  return Number(match[1]) * (QUANTITY_UNITS[match[2] ?? ''] ?? NaN);
}
