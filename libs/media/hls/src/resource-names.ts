// Relative URIs of everything the packager produces. Names carry the media sequence number so a URI
// keeps naming the same bytes while it stays in the window (RFC 8216bis 6.2.2).

export const initName = (index: number): string => `init-${index}.mp4`;
export const segmentName = (msn: number): string => `seg-${msn}.m4s`;
export const partName = (msn: number, index: number): string => `part-${msn}.${index}.m4s`;

export type ResourceName =
  { kind: 'init'; index: number } | { kind: 'segment'; msn: number } | { kind: 'part'; msn: number; index: number };

const PATTERN = /^(?:init-(\d{1,15})\.mp4|seg-(\d{1,15})\.m4s|part-(\d{1,15})\.(\d{1,6})\.m4s)$/;

/** Parses a resource file name; undefined for anything this packager never names. */
export function parseResourceName(name: string): ResourceName | undefined {
  const m = PATTERN.exec(name);
  if (!m) return undefined;
  if (m[1] !== undefined) return { kind: 'init', index: Number(m[1]) };
  if (m[2] !== undefined) return { kind: 'segment', msn: Number(m[2]) };
  return { kind: 'part', msn: Number(m[3]), index: Number(m[4]) };
}
