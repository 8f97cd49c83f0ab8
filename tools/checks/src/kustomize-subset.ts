import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

// The part of kustomize that k8s/ uses, resolved here because no kustomize binary is available to the
// checks: `resources` (manifest files, or directories holding a kustomization.yaml) and `patches` in two
// forms: JSON 6902 operations with a `target`, and a `$patch: delete` of a whole resource. Any other
// patch form fails loudly rather than being ignored. The `labels` transformer is not applied: every
// manifest spells out its labels and selectors, and the checks compare those.

// Untyped on purpose: manifests are checked field by field (eslint.config.mjs relaxes no-explicit-any here).
export type Manifest = Record<string, any>;

/** Every YAML document of `text` as plain data (`<<` merge keys resolved, as Docker Compose does). */
export function parseYaml(text: string, source: string): Manifest[] {
  return parseAllDocuments(text, { merge: true }).map((doc) => {
    assert.equal(doc.errors.length, 0, `${source}: ${doc.errors.join(', ')}`);
    return doc.toJS() as Manifest;
  });
}

export interface PatchTarget {
  group?: string;
  version?: string;
  kind: string;
  name: string;
}

export interface Patch {
  /** Inline patch text, or `path` relative to the kustomization directory. */
  patch?: string;
  path?: string;
  target?: PatchTarget;
}

/** The resources a kustomization directory produces, with its patches applied. */
export function kustomize(dir: string): Manifest[] {
  const kustomization = readKustomization(dir);
  let resources = kustomization.resources.flatMap((entry) => {
    const path = join(dir, entry);
    assert.ok(existsSync(path), `${dir}/kustomization.yaml lists ${entry}, which does not exist`);
    return statSync(path).isDirectory() ? kustomize(path) : parseYaml(readFileSync(path, 'utf8'), path);
  });
  for (const patch of kustomization.patches) {
    const text =
      patch.patch ?? readFileSync(join(dir, patch.path ?? assert.fail(`${dir}: a patch without text or path`)), 'utf8');
    resources = applyPatch(resources, text, patch.target, `${dir}/kustomization.yaml`);
  }
  return resources;
}

interface Kustomization {
  resources: string[];
  patches: Patch[];
}

function readKustomization(dir: string): Kustomization {
  const [kustomization] = parseYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'), dir);
  assert.ok(kustomization?.kind === 'Kustomization', `${dir}/kustomization.yaml is a Kustomization`);
  const unsupported = Object.keys(kustomization).filter(
    (key) => !['apiVersion', 'kind', 'labels', 'resources', 'patches'].includes(key),
  );
  assert.deepEqual(unsupported, [], `${dir}/kustomization.yaml uses fields these checks do not resolve`);
  return { resources: kustomization.resources ?? [], patches: kustomization.patches ?? [] };
}

/** Manifest files in `dir` that its kustomization neither lists as a resource nor uses as a patch. */
export function unlistedManifests(dir: string): string[] {
  const { resources, patches } = readKustomization(dir);
  const used = new Set<string>(['kustomization.yaml', ...resources, ...patches.flatMap((p) => p.path ?? [])]);
  return readdirSync(dir).filter((file) => /\.ya?ml$/.test(file) && !used.has(file));
}

/** Applies one patch (JSON 6902 with a target, or `$patch: delete`) to `resources`; returns the new list. */
export function applyPatch(resources: Manifest[], text: string, target: PatchTarget | undefined, source: string) {
  const [patch] = parseYaml(text, source);
  if (Array.isArray(patch)) {
    assert.ok(target, `${source}: a JSON 6902 patch needs a target`);
    const index = findResource(resources, target, source);
    const patched = structuredClone(resources[index]) as Manifest;
    for (const operation of patch as JsonPatchOperation[]) applyJsonPatchOperation(patched, operation, source);
    return resources.map((resource, i) => (i === index ? patched : resource));
  }
  if (patch?.['$patch'] === 'delete') {
    const [group, version] = String(patch.apiVersion).includes('/')
      ? String(patch.apiVersion).split('/')
      : ['', String(patch.apiVersion)];
    const index = findResource(
      resources,
      { group, version, kind: patch.kind, name: patch.metadata?.name, ...target },
      source,
    );
    return resources.filter((_, i) => i !== index);
  }
  assert.fail(`${source}: unsupported patch form (use JSON 6902 operations or $patch: delete): ${text}`);
}

function findResource(resources: Manifest[], target: PatchTarget, source: string): number {
  const matches = resources.flatMap((resource, index) => {
    const [group, version] = String(resource.apiVersion).includes('/')
      ? String(resource.apiVersion).split('/')
      : ['', String(resource.apiVersion)];
    const matched =
      resource.kind === target.kind &&
      resource.metadata?.name === target.name &&
      (target.group === undefined || target.group === group) &&
      (target.version === undefined || target.version === version);
    return matched ? [index] : [];
  });
  const [index] = matches;
  assert.ok(
    matches.length === 1 && index !== undefined,
    `${source}: the patch target ${target.kind}/${target.name} matches one resource`,
  );
  return index;
}

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

/** RFC 6902 add, remove and replace on a parsed manifest (in place). */
export function applyJsonPatchOperation(document: Manifest, operation: JsonPatchOperation, source: string): void {
  const tokens = operation.path
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = tokens.pop();
  assert.ok(last !== undefined, `${source}: ${operation.op} needs a path below the document root`);
  let parent: Manifest = document;
  for (const token of tokens) {
    assert.ok(parent !== null && typeof parent === 'object' && token in parent, `${source}: no ${operation.path}`);
    parent = parent[token];
  }
  const exists = Array.isArray(parent) ? Number(last) < parent.length : last in parent;
  switch (operation.op) {
    case 'replace':
      assert.ok(exists, `${source}: replace of ${operation.path}, which does not exist`);
      parent[last] = operation.value;
      return;
    case 'remove':
      assert.ok(exists, `${source}: remove of ${operation.path}, which does not exist`);
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      return;
    case 'add':
      if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, operation.value);
      else parent[last] = operation.value;
      return;
    default:
      assert.fail(`${source}: unsupported JSON 6902 operation ${JSON.stringify(operation)}`);
  }
}
