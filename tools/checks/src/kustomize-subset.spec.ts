import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch, type Manifest } from './kustomize-subset.js';

const resources: Manifest[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3 } },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { maxUnavailable: 1 } },
];
const deployment = { group: 'apps', version: 'v1', kind: 'Deployment', name: 'web' };

describe('the kustomize subset the manifest checks resolve', () => {
  it('applies JSON 6902 operations to the target only, leaving the input as it was', () => {
    const ops = '- op: replace\n  path: /spec/replicas\n  value: 1\n- op: add\n  path: /spec/paused\n  value: true';
    const patched = applyPatch(resources, ops, deployment, 'test');
    assert.deepEqual(patched[0]!.spec, { replicas: 1, paused: true });
    assert.equal(patched[1], resources[1]);
    assert.equal(resources[0]!.spec.replicas, 3);
  });

  it('deletes the resource a `$patch: delete` names', () => {
    const text = '$patch: delete\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web';
    assert.deepEqual(
      applyPatch(resources, text, undefined, 'test').map((r) => r.kind),
      ['Deployment'],
    );
  });

  it('fails on what it cannot resolve: other patch forms, missing paths, missing targets', () => {
    const strategicMerge = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1';
    assert.throws(() => applyPatch(resources, strategicMerge, deployment, 'test'), /unsupported patch form/);
    const missingPath = '- op: replace\n  path: /spec/paused\n  value: true';
    assert.throws(() => applyPatch(resources, missingPath, deployment, 'test'), /does not exist/);
    const missingTarget =
      '$patch: delete\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web';
    assert.throws(() => applyPatch(resources, missingTarget, undefined, 'test'), /matches one resource/);
  });
});
