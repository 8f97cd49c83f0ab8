/** One ISO BMFF box: its type and where its content (after the 8- or 16-byte header) lies in the buffer. */
export interface Mp4Box {
  type: string;
  /** Offset of the box header. */
  start: number;
  /** Offset of the content, after the header. */
  contentStart: number;
  end: number;
}

/**
 * Bytes before the child boxes of the boxes a test descends into (ISO/IEC 14496-12): a full box's
 * version/flags and entry count for `stsd`; the VisualSampleEntry fields (78 bytes) for video sample
 * entries; plain containers have none.
 */
const CHILD_OFFSET: Record<string, number> = {
  moov: 0,
  trak: 0,
  mdia: 0,
  minf: 0,
  stbl: 0,
  mvex: 0,
  moof: 0,
  traf: 0,
  stsd: 8,
  avc1: 78,
  hvc1: 78,
  hev1: 78,
  av01: 78,
  vp09: 78,
};

/** The boxes laid end to end in `buffer[from, to)`. Throws on a size that runs past the end. */
export function listBoxes(buffer: Buffer, from = 0, to = buffer.length): Mp4Box[] {
  const boxes: Mp4Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = buffer.readUInt32BE(at);
    const type = buffer.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buffer.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) throw new Error(`box ${type} at ${at}: size ${size} runs past ${to}`);
    boxes.push({ type, start: at, contentStart: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

/** The first box along `path` (e.g. `['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'hvc1', 'hvcC']`). */
export function findBox(buffer: Buffer, path: string[]): Mp4Box | undefined {
  let boxes = listBoxes(buffer);
  let found: Mp4Box | undefined;
  for (const [depth, type] of path.entries()) {
    found = boxes.find((box) => box.type === type);
    if (!found) return undefined;
    if (depth === path.length - 1) break;
    const offset = CHILD_OFFSET[type];
    if (offset === undefined) throw new Error(`do not know where the children of ${type} start`);
    boxes = listBoxes(buffer, found.contentStart + offset, found.end);
  }
  return found;
}

/** Width and height of a VisualSampleEntry (ISO/IEC 14496-12 12.1.3), from the box found by findBox. */
export function sampleEntrySize(buffer: Buffer, entry: Mp4Box): { width: number; height: number } {
  return { width: buffer.readUInt16BE(entry.contentStart + 24), height: buffer.readUInt16BE(entry.contentStart + 26) };
}
