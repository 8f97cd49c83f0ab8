import { mutate } from '@rapidrtmp/codecs/testing';
import { SeededRandom } from '@rapidrtmp/media-core/testing';

/** Bytes around a mutation point handed to the mutator (which works near the start of what it gets). */
const WINDOW = 64;

/** A well-mixed 32-bit seed for one execution (splitmix-style), so executions are independent. */
function executionSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The input of execution `index`: a seed, then one to four mutations at random offsets: the codecs
 * package's mutator (bit flips, special bytes, cuts, insertions, duplication) on a window there, a
 * truncation, or a splice with another seed. Everything comes from `seed` and `index`, so a finding replays from those two.
 * `runSeed` seeds the SeededRandom the target's run gets.
 */
export function executionInput(
  seeds: readonly Buffer[],
  seed: number,
  index: number,
  maxBytes: number,
): { input: Buffer; runSeed: number } {
  const random = new SeededRandom(executionSeed(seed, index));
  const next = () => random.next();
  let input = random.pick(seeds);
  for (let steps = random.int(1, 4); steps > 0; steps--) {
    const at = input.length > 0 && random.int(0, 2) > 0 ? random.int(0, input.length - 1) : 0;
    const choice = random.int(0, 19);
    if (choice === 0) {
      const other = random.pick(seeds);
      input = Buffer.concat([input.subarray(0, at), other.subarray(random.int(0, Math.max(0, other.length - 1)))]);
    } else if (choice === 1) {
      input = input.subarray(0, at);
    } else {
      // The mutator copies what it is given: give it a window, not the whole (possibly 20 KB) tail.
      const end = Math.min(input.length, at + WINDOW);
      input = Buffer.concat([input.subarray(0, at), mutate(input.subarray(at, end), next), input.subarray(end)]);
    }
  }
  // The target's own randomness (slicing, options) gets a seed of its own, so a minimized input replays with it.
  return { input: input.length > maxBytes ? input.subarray(0, maxBytes) : input, runSeed: random.int(0, 0xffffffff) };
}
