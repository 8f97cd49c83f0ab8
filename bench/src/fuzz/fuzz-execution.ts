import { SeededRandom } from '@rapidrtmp/media-core/testing';
import { FuzzPropertyViolation, type FuzzTarget } from './fuzz-target.js';

export type Outcome = { kind: 'ok' | 'typed' } | { kind: 'crash' | 'property'; error: Error; signature: string };

/** One execution of `target` on `input`: what came out of it, sorted into normal outcomes and findings. */
export function execute(target: FuzzTarget, input: Buffer, runSeed: number): Outcome {
  try {
    target.run(input, new SeededRandom(runSeed));
    return { kind: 'ok' };
  } catch (thrown) {
    if (thrown instanceof FuzzPropertyViolation) return finding('property', thrown);
    if (target.expected(thrown)) return { kind: 'typed' };
    return finding('crash', thrown instanceof Error ? thrown : new Error(`non-Error thrown: ${String(thrown)}`));
  }
}

function finding(kind: 'crash' | 'property', error: Error): Outcome {
  return { kind, error, signature: signatureOf(error) };
}

/**
 * What makes two findings "the same bug": the error class, its message with numbers blanked, and the
 * innermost stack frame in our code.
 */
export function signatureOf(error: Error): string {
  const frame = (error.stack ?? '')
    .split('\n')
    .find((line) => line.includes('/libs/') || line.includes('/bench/'))
    ?.trim()
    .replace(/:\d+:\d+\)?$/, '');
  return `${error.name}: ${error.message.split('\n')[0]!.replace(/\d+/g, 'N').slice(0, 160)} @ ${frame ?? '?'}`;
}

/**
 * Shrinks an input that produces `signature` (delta debugging by removing ever smaller chunks), bounded
 * to `maxAttempts` executions, so the corpus and the regression test get the smallest bytes that matter.
 */
export function minimize(
  target: FuzzTarget,
  input: Buffer,
  runSeed: number,
  signature: string,
  maxAttempts = 4000,
): Buffer {
  const reproduces = (candidate: Buffer) => {
    const outcome = execute(target, candidate, runSeed);
    return (outcome.kind === 'crash' || outcome.kind === 'property') && outcome.signature === signature;
  };
  let best = input;
  let attempts = 0;
  for (let chunk = Math.max(1, best.length >> 1); chunk >= 1 && attempts < maxAttempts; chunk >>= 1) {
    for (let at = 0; at < best.length && attempts < maxAttempts;) {
      const candidate = Buffer.concat([best.subarray(0, at), best.subarray(at + chunk)]);
      attempts++;
      if (reproduces(candidate)) best = candidate;
      else at += chunk;
    }
  }
  return best;
}
