import { ByteReader, MediaFormatError } from '@rapidrtmp/media-core';

/** FLV file header (FLV spec E.2). */
export interface FlvFileHeader {
  version: number;
  hasAudio: boolean;
  hasVideo: boolean;
  /** Offset of the first PreviousTagSize0 field (9 for version 1). */
  dataOffset: number;
}

export const FLV_TAG_TYPE = { audio: 8, video: 9, script: 18 } as const;

/** One FLV tag (FLV spec E.4.1). `body` is a view into the bytes read: exactly an RTMP message payload. */
export interface FlvFileTag {
  type: number;
  /** Milliseconds: 24-bit Timestamp plus TimestampExtended as the upper 8 bits. */
  timestamp: number;
  streamId: number;
  /** Offset of the tag header in the file (the stream). */
  offset: number;
  body: Buffer;
}

const FILE_HEADER_SIZE = 9;
const TAG_HEADER_SIZE = 11;
const PREVIOUS_TAG_SIZE = 4;
/** Bytes of header an FLV may declare (9 in every version so far): a stream is not held for a bogus one. */
const MAX_DATA_OFFSET = 1024;
/** Larger than any tag a sane stream sends (an 8 MiB keyframe is already huge); past it the stream is refused. */
export const DEFAULT_MAX_TAG_BYTES = 16 * 1024 * 1024;

/** Parses the 9-byte FLV header. */
export function parseFlvHeader(bytes: Buffer): FlvFileHeader {
  const r = new ByteReader(bytes, 'flv-file-truncated');
  if (r.bytes(3).toString('latin1') !== 'FLV') throw new MediaFormatError('flv-file-signature', 'not an FLV file');
  const version = r.u8();
  const flags = r.u8();
  const dataOffset = r.u32();
  if (dataOffset < FILE_HEADER_SIZE || dataOffset > MAX_DATA_OFFSET) {
    throw new MediaFormatError('flv-file-header', `DataOffset ${dataOffset}`);
  }
  return { version, hasAudio: (flags & 0x04) !== 0, hasVideo: (flags & 0x01) !== 0, dataOffset };
}

/**
 * Reads a whole FLV file held in memory: the header and every tag, with tag bodies as views (no copy).
 * Used by specs and the benchmark to replay real bytes through the demuxer. A truncated last tag is
 * `flv-file-truncated`; encrypted (Filter) tags are `flv-file-filtered`.
 */
export function readFlvFile(file: Buffer): { header: FlvFileHeader; tags: FlvFileTag[] } {
  const reader = new FlvStreamReader();
  const tags = reader.push(file);
  if (!reader.header || reader.bufferedBytes > 0) {
    throw new MediaFormatError('flv-file-truncated', `${reader.bufferedBytes} bytes of an incomplete tag at the end`);
  }
  return { header: reader.header, tags };
}

/**
 * An FLV byte stream read as it arrives (HTTP-FLV from another node): push bytes, get the tags they complete.
 * Tag bodies are views into the pushed bytes; a tag split across pushes is joined once, when its last byte
 * is there (no copy per push). Bounded: a tag larger than `maxTagBytes`, an encrypted tag or a wrong
 * PreviousTagSize throws a MediaFormatError, and the reader is then of no further use.
 */
export class FlvStreamReader {
  header: FlvFileHeader | undefined;
  private chunks: Buffer[] = [];
  private length = 0;
  /** Bytes needed before parsing can make progress. */
  private needed = FILE_HEADER_SIZE;
  /** Stream position of chunks[0][0]: tag offsets are positions in the whole stream. */
  private position = 0;

  constructor(private readonly maxTagBytes = DEFAULT_MAX_TAG_BYTES) {}

  /** Bytes held for a tag (or header) not complete yet. */
  get bufferedBytes(): number {
    return this.length;
  }

  push(bytes: Buffer): FlvFileTag[] {
    if (bytes.length === 0) return [];
    this.chunks.push(bytes);
    this.length += bytes.length;
    if (this.length < this.needed) return [];
    const [only] = this.chunks;
    const data = this.chunks.length === 1 && only ? only : Buffer.concat(this.chunks, this.length);
    const tags: FlvFileTag[] = [];
    let at = 0;
    if (!this.header) {
      const header = parseFlvHeader(data.subarray(0, FILE_HEADER_SIZE));
      const start = header.dataOffset + PREVIOUS_TAG_SIZE;
      if (data.length < start) return this.rest(data, 0, start);
      this.header = header;
      at = start;
    }
    for (;;) {
      if (data.length - at < TAG_HEADER_SIZE) return this.rest(data, at, TAG_HEADER_SIZE, tags);
      const typeByte = data.readUInt8(at);
      const offset = this.position + at;
      if (typeByte & 0x20) throw new MediaFormatError('flv-file-filtered', `encrypted tag at ${offset}`);
      const size = data.readUIntBE(at + 1, 3);
      if (size > this.maxTagBytes) throw new MediaFormatError('flv-tag-too-large', `tag of ${size} bytes at ${offset}`);
      const whole = TAG_HEADER_SIZE + size + PREVIOUS_TAG_SIZE;
      if (data.length - at < whole) return this.rest(data, at, whole, tags);
      const previousTagSize = data.readUInt32BE(at + whole - PREVIOUS_TAG_SIZE);
      if (previousTagSize !== size + TAG_HEADER_SIZE) {
        throw new MediaFormatError('flv-file-tag-size', `PreviousTagSize ${previousTagSize} after tag at ${offset}`);
      }
      tags.push({
        type: typeByte & 0x1f,
        timestamp: data.readUIntBE(at + 4, 3) + data.readUInt8(at + 7) * 0x1000000,
        streamId: data.readUIntBE(at + 8, 3),
        offset,
        body: data.subarray(at + TAG_HEADER_SIZE, at + TAG_HEADER_SIZE + size),
      });
      at += whole;
    }
  }

  /** Keeps `data` from `from` on (a view) until `needed` bytes of it are there. */
  private rest(data: Buffer, from: number, needed: number, tags: FlvFileTag[] = []): FlvFileTag[] {
    this.position += from;
    this.chunks = from === data.length ? [] : [data.subarray(from)];
    this.length = data.length - from;
    this.needed = needed;
    return tags;
  }
}
