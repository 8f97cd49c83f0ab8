import { MediaFormatError, type OpusConfig } from '@rapidrtmp/media-core';

const MAGIC = Buffer.from('OpusHead', 'latin1');
const HEAD_SIZE = 19;

/** True for an Ogg Opus comment header ("OpusTags"), which E-RTMP allows as a SequenceStart body too. */
export function isOpusTags(data: Buffer): boolean {
  return data.length >= 8 && data.toString('latin1', 0, 8) === 'OpusTags';
}

/**
 * Parses an Opus identification header (RFC 7845 5.1). Its fields are little-endian (the `dOps` box
 * that mirrors it is big-endian). `channelMapping` keeps stream count, coupled count and the mapping
 * table as a view, for channel mapping families other than 0.
 */
export function parseOpusConfig(head: Buffer): OpusConfig {
  if (head.length < HEAD_SIZE) throw new MediaFormatError('opus-config-truncated', `${head.length} bytes`);
  if (!head.subarray(0, 8).equals(MAGIC)) throw new MediaFormatError('opus-config-invalid', 'no OpusHead magic');
  const version = head.readUInt8(8);
  // 5.1: the major version (upper 4 bits) must be 0; minor versions stay compatible.
  if (version >> 4 !== 0) throw new MediaFormatError('opus-config-version', `version ${version}`);
  const channels = head.readUInt8(9);
  if (channels === 0) throw new MediaFormatError('opus-config-invalid', 'channel count 0');
  const channelMappingFamily = head.readUInt8(18);
  let channelMapping: Buffer | undefined;
  if (channelMappingFamily !== 0) {
    const size = 2 + channels;
    if (head.length < HEAD_SIZE + size) {
      throw new MediaFormatError('opus-config-truncated', `mapping table needs ${size} bytes`);
    }
    channelMapping = head.subarray(HEAD_SIZE, HEAD_SIZE + size);
  } else if (channels > 2) {
    throw new MediaFormatError('opus-config-invalid', `family 0 allows 1 or 2 channels, not ${channels}`);
  }
  return {
    codec: 'opus',
    channels,
    preSkip: head.readUInt16LE(10),
    inputSampleRate: head.readUInt32LE(12),
    outputGain: head.readInt16LE(16),
    channelMappingFamily,
    channelMapping,
    sampleRate: 48000,
    codecString: 'opus',
  };
}
