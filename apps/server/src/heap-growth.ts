// Why the server sets V8's heap growing factor itself.
//
// Media passes through this process in ArrayBuffers (RTMP message slabs, parts), ~9 MB/s at 25 streams of
// 2.7 Mbit/s, and V8 counts ArrayBuffer memory allocated since the last full GC against the old
// generation's limit. V8 sizes that limit from the JavaScript allocation rate, which is low here: at 25
// streams `--trace-gc-verbose` showed a growing factor of 1.1-1.3 (GC 126-348 times faster than the mutator's
// allocation), a limit ~25-35 MB over a ~59 MB old generation, and one full mark-compact a second, started by
// the media flowing through. GC was then half of the server's CPU (bench/README.md, sixth round). A fixed
// factor leaves room for seconds of media between full GCs; V8's 64 MB external-memory trigger still bounds
// the garbage held between them.
import { setFlagsFromString } from 'node:v8';

/**
 * Sets V8's old-generation growing factor to 1 + `percent`/100 (0 leaves V8's heuristics alone). Takes
 * effect from the next full GC, so it may be called once the configuration is read.
 */
export function applyHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growth percent must be an integer >= 0`);
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
