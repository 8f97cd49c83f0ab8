import type { SeededRandom } from '@rapidrtmp/media-core/testing';

/**
 * One thing the long fuzzer drives. `run` gets one mutated input (and a random source derived from the
 * same execution index, so the whole execution replays from seed + index). Throwing an error `expected`
 * accepts (the target's typed protocol error) is a normal outcome; any other exception is a crash, and a
 * thrown `FuzzPropertyViolation` (a broken invariant or memory bound) is a finding too.
 */
export interface FuzzTarget {
  name: string;
  /** What it covers, for --list. */
  description: string;
  /** Seed inputs: the repo's captured bytes plus the corpus folder's files for this target. */
  seeds(): Buffer[];
  run(input: Buffer, random: SeededRandom): void;
  expected(error: unknown): boolean;
  /** Inputs are cut to this many bytes after mutation (keeps each execution cheap). */
  maxInputBytes: number;
}

/** An invariant a target checks after the parser returned (bounds, ranges, containment). */
export class FuzzPropertyViolation extends Error {
  override readonly name = 'FuzzPropertyViolation';
}

export function check(condition: boolean, message: () => string): void {
  if (!condition) throw new FuzzPropertyViolation(message());
}
