import { MediaFormatError } from '@rapidrtmp/media-core';
import { SeededRandom } from '@rapidrtmp/media-core/testing';

/** A seeded PRNG as a function, so a failing fuzz case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

const SPECIAL_BYTES = [0x00, 0x01, 0x03, 0x7f, 0x80, 0xff];

/**
 * One mutation of `input`: bit flips, special bytes, truncation, insertion or duplication, biased towards
 * the first bytes where headers live.
 */
export function mutate(input: Buffer, random: () => number): Buffer {
  const pick = (n: number): number => Math.floor(random() * n);
  const position = (length: number): number => (random() < 0.6 ? pick(Math.min(length, 24)) : pick(length));
  const out = Buffer.from(input);
  if (out.length === 0) return Buffer.from([pick(256)]);
  switch (pick(5)) {
    case 0:
      for (let i = 1 + pick(4); i > 0; i--) out[position(out.length)]! ^= 1 << pick(8);
      return out;
    case 1:
      out[position(out.length)] = SPECIAL_BYTES[pick(SPECIAL_BYTES.length)]!;
      return out;
    case 2:
      return out.subarray(0, pick(out.length));
    case 3: {
      const at = position(out.length);
      const extra = Buffer.from(Array.from({ length: 1 + pick(8) }, () => pick(256)));
      return Buffer.concat([out.subarray(0, at), extra, out.subarray(at)]);
    }
    default: {
      const at = pick(out.length);
      return Buffer.concat([out, out.subarray(at, at + 1 + pick(32))]);
    }
  }
}

/**
 * Runs `target` on mutations of the corpus until `budgetMs` or `maxRuns`; anything thrown that is not a
 * MediaFormatError fails with the seed, run and input to replay it. Returns the run count.
 */
export function fuzz(opts: {
  seed: number;
  corpus: Buffer[];
  budgetMs: number;
  maxRuns: number;
  target: (input: Buffer) => void;
}): { runs: number; typedErrors: number } {
  const random = seededRandom(opts.seed);
  const deadline = performance.now() + opts.budgetMs;
  let typedErrors = 0;
  let runs = 0;
  for (; runs < opts.maxRuns && performance.now() < deadline; runs++) {
    let input = opts.corpus[Math.floor(random() * opts.corpus.length)];
    for (let depth = 1 + Math.floor(random() * 3); depth > 0; depth--) input = mutate(input!, random);
    try {
      opts.target(input!);
    } catch (error) {
      if (!(error instanceof MediaFormatError)) {
        throw new Error(`seed ${opts.seed} run ${runs}: ${String(error)} on ${input!.toString('hex')}`, {
          cause: error,
        });
      }
      typedErrors++;
    }
  }
  return { runs, typedErrors };
}
