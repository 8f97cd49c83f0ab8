// Test support (not exported from the package): reads MP4 bytes with mp4box.js, an independent parser,
// and walks boxes by hand where a spec needs raw bytes. Pure: callers read files and run ffmpeg.
import { createFile, type ISOFile, type Movie, MP4BoxBuffer } from 'mp4box';

export interface ParsedMp4 {
  file: ISOFile;
  info: Movie;
  errors: string[];
}

/** Feeds the chunks, in order, to one mp4box.js file as if they were one stream. */
export function parseMp4(...chunks: Buffer[]): ParsedMp4 {
  const file = createFile();
  const errors: string[] = [];
  let info: Movie | undefined;
  file.onReady = (movie) => {
    info = movie;
  };
  file.onError = (module, message) => errors.push(`${module}: ${message}`);
  let position = 0;
  for (const chunk of chunks) {
    const copy = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.length);
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, position));
    position += chunk.length;
  }
  file.flush();
  if (!info) throw new Error(`mp4box.js did not find a movie: ${errors.join('; ')}`);
  return { file, info, errors };
}

export interface RawSample {
  dts: number;
  cts: number;
  duration: number;
  isSync: boolean;
  timescale: number;
  data: Buffer;
}

/** The samples of a track as mp4box.js sees them, with their bytes cut out of `source` (the whole file). */
export function trackSamples(parsed: ParsedMp4, source: Buffer, trackId: number): RawSample[] {
  return parsed.file.getTrackSamplesInfo(trackId).map((s) => ({
    dts: s.dts,
    cts: s.cts,
    duration: s.duration,
    isSync: s.is_sync,
    timescale: s.timescale,
    data: source.subarray(s.offset, s.offset + s.size),
  }));
}

/** Bytes of fields before the child boxes of the container-like boxes a spec may descend into. */
const CONTAINER_PREFIX: Record<string, number> = {
  moov: 0,
  trak: 0,
  mdia: 0,
  minf: 0,
  stbl: 0,
  dinf: 0,
  mvex: 0,
  moof: 0,
  traf: 0,
  edts: 0,
  stsd: 8,
  dref: 8,
  avc1: 78,
  hvc1: 78,
  hev1: 78,
  av01: 78,
  vp09: 78,
  mp4a: 28,
  Opus: 28,
};

export interface RawBox {
  type: string;
  /** Offset of the box header in the walked buffer. */
  start: number;
  size: number;
  /** Everything after the 8-byte header (a FullBox's version/flags included). */
  body: Buffer;
}

/** Depth-first list of every box under [start, end), descending into known containers. */
export function walkBoxes(buf: Buffer, start = 0, end = buf.length, out: RawBox[] = []): RawBox[] {
  let at = start;
  while (at + 8 <= end) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) throw new Error(`bad box ${type} at ${at}: size ${size}`);
    out.push({ type, start: at, size, body: buf.subarray(at + header, at + size) });
    const prefix = CONTAINER_PREFIX[type];
    if (prefix !== undefined) walkBoxes(buf, at + header + prefix, at + size, out);
    at += size;
  }
  if (at !== end) throw new Error(`trailing ${end - at} bytes at ${at}`);
  return out;
}

export function findBox(buf: Buffer, type: string): RawBox {
  const box = walkBoxes(buf).find((b) => b.type === type);
  if (!box) throw new Error(`no ${type} box`);
  return box;
}

/** The AudioSpecificConfig inside an esds body (ISO/IEC 14496-1 DecoderSpecificInfo, tag 5). */
export function ascFromEsds(esdsBody: Buffer): Buffer {
  let at = 4; // FullBox version/flags
  const readSize = (): number => {
    let size = 0;
    for (;;) {
      const byte = esdsBody[at++];
      size = (size << 7) | (byte! & 0x7f);
      if (!(byte! & 0x80)) return size;
    }
  };
  while (at < esdsBody.length) {
    const tag = esdsBody[at++];
    const size = readSize();
    if (tag === 0x03) at += 3;
    else if (tag === 0x04) at += 13;
    else if (tag === 0x05) return esdsBody.subarray(at, at + size);
    else at += size;
  }
  throw new Error('no DecoderSpecificInfo in esds');
}
