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

/** One FLV tag (FLV spec E.4.1). `body` is a view into the file buffer: exactly an RTMP message payload. */
export interface FlvFileTag {
  type: number;
  /** Milliseconds: 24-bit Timestamp plus TimestampExtended as the upper 8 bits. */
  timestamp: number;
  streamId: number;
  /** Offset of the tag header in the file. */
  offset: number;
  body: Buffer;
}

const TAG_HEADER_SIZE = 11;

/** Parses the 9-byte FLV header. */
export function parseFlvHeader(file: Buffer): FlvFileHeader {
  const r = new ByteReader(file, 'flv-file-truncated');
  if (r.bytes(3).toString('latin1') !== 'FLV') throw new MediaFormatError('flv-file-signature', 'not an FLV file');
  const version = r.u8();
  const flags = r.u8();
  const dataOffset = r.u32();
  if (dataOffset < 9 || dataOffset > file.length) {
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
  const header = parseFlvHeader(file);
  const r = new ByteReader(file.subarray(header.dataOffset), 'flv-file-truncated');
  const tags: FlvFileTag[] = [];
  r.skip(4); // PreviousTagSize0
  while (r.remaining > 0) {
    const offset = header.dataOffset + r.position;
    const typeByte = r.u8();
    if (typeByte & 0x20) throw new MediaFormatError('flv-file-filtered', `encrypted tag at ${offset}`);
    const size = r.u24();
    const timestamp = r.u24() + r.u8() * 0x1000000;
    const streamId = r.u24();
    const body = r.bytes(size);
    const previousTagSize = r.u32();
    if (previousTagSize !== size + TAG_HEADER_SIZE) {
      throw new MediaFormatError('flv-file-tag-size', `PreviousTagSize ${previousTagSize} after tag at ${offset}`);
    }
    tags.push({ type: typeByte & 0x1f, timestamp, streamId, offset, body });
  }
  return { header, tags };
}
