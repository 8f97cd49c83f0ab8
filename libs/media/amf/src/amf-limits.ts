/**
 * Bounds on what one decode call may build. Every decode checks them as it goes, so a hostile
 * message costs at most these amounts of work and memory, whatever its length fields claim.
 */
export interface AmfLimits {
  /** Nesting of objects/arrays (a command object inside an argument list is depth 1). */
  maxDepth: number;
  /** Bytes in one string (AMF0 long string, AMF3 string, XML) or AMF3 byte array. */
  maxStringLength: number;
  /** Entries in one object, ECMA array, strict array or AMF3 trait. */
  maxEntries: number;
  /** Values decoded in one call, all levels together: bounds the JS heap the result takes. */
  maxValues: number;
  /** Length of the input buffer. */
  maxTotalBytes: number;
  /** Entries in each AMF3 reference table (strings, objects, traits). */
  maxReferences: number;
}

export const DEFAULT_AMF_LIMITS: Readonly<AmfLimits> = Object.freeze({
  maxDepth: 32,
  maxStringLength: 1024 * 1024,
  maxEntries: 65_536,
  maxValues: 200_000,
  maxTotalBytes: 16 * 1024 * 1024,
  maxReferences: 65_536,
});

export function resolveAmfLimits(limits?: Partial<AmfLimits>): AmfLimits {
  return { ...DEFAULT_AMF_LIMITS, ...limits };
}
