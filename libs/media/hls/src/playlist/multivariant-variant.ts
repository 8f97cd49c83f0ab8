// EXT-X-STREAM-INF (RFC 8216bis 4.4.6.2) and the URI line after it: one variant stream.
import { AttributeList } from './attributes.js';
import { formatDecimal, formatResolution, type Resolution } from './values.js';

export interface MultivariantVariant {
  /** The media playlist, relative to the multivariant playlist. */
  uri: string;
  /** BANDWIDTH: peak segment bit rate, bits/s. */
  bandwidth: number;
  /** AVERAGE-BANDWIDTH: average segment bit rate, bits/s. */
  averageBandwidth?: number;
  /** CODECS: RFC 6381 codec strings of every format present (4.4.6.2 MUST list them all). */
  codecs?: string[];
  resolution?: Resolution;
  /** FRAME-RATE: maximum frame rate, written with three decimals. */
  frameRate?: number;
  /** GROUP-IDs of the EXT-X-MEDIA renditions this variant plays with. */
  audio?: string;
  video?: string;
  subtitles?: string;
  /** CLOSED-CAPTIONS: a group id, or null for NONE (no closed captions in any variant). */
  closedCaptions?: string | null;
}

export const STREAM_INF_TAG = '#EXT-X-STREAM-INF';
const FRAME_RATE_PLACES = 3;

export function marshalMultivariantVariant(variant: MultivariantVariant): string {
  let text = `${STREAM_INF_TAG}:BANDWIDTH=${variant.bandwidth}`;
  if (variant.averageBandwidth !== undefined) text += `,AVERAGE-BANDWIDTH=${variant.averageBandwidth}`;
  if (variant.codecs) text += `,CODECS="${variant.codecs.join(',')}"`;
  if (variant.resolution) text += `,RESOLUTION=${formatResolution(variant.resolution)}`;
  if (variant.frameRate !== undefined) text += `,FRAME-RATE=${formatDecimal(variant.frameRate, FRAME_RATE_PLACES)}`;
  if (variant.audio !== undefined) text += `,AUDIO="${variant.audio}"`;
  if (variant.video !== undefined) text += `,VIDEO="${variant.video}"`;
  if (variant.subtitles !== undefined) text += `,SUBTITLES="${variant.subtitles}"`;
  if (variant.closedCaptions !== undefined)
    text += `,CLOSED-CAPTIONS=${variant.closedCaptions === null ? 'NONE' : `"${variant.closedCaptions}"`}`;
  return `${text}\n${variant.uri}\n`;
}

/** The tag's attributes; the URI comes from the next line (the playlist reader supplies it). */
export function unmarshalMultivariantVariant(value: string, uri: string, line: number): MultivariantVariant {
  const attributes = AttributeList.parse(value, STREAM_INF_TAG, line);
  const variant: MultivariantVariant = { uri, bandwidth: attributes.requiredInteger('BANDWIDTH') };
  const averageBandwidth = attributes.integer('AVERAGE-BANDWIDTH');
  if (averageBandwidth !== undefined) variant.averageBandwidth = averageBandwidth;
  const codecs = attributes.string('CODECS');
  if (codecs !== undefined) {
    variant.codecs = codecs.split(',');
    if (variant.codecs.some((c) => c === '')) attributes.fail('empty codec in CODECS');
  }
  const resolution = attributes.resolution('RESOLUTION');
  if (resolution) variant.resolution = resolution;
  const frameRate = attributes.float('FRAME-RATE');
  if (frameRate !== undefined) variant.frameRate = frameRate;
  for (const [name, key] of [
    ['AUDIO', 'audio'],
    ['VIDEO', 'video'],
    ['SUBTITLES', 'subtitles'],
  ] as const) {
    const group = attributes.string(name);
    if (group !== undefined) variant[key] = group;
  }
  if (attributes.has('CLOSED-CAPTIONS')) {
    // An enumerated NONE, or a quoted group id.
    if (attributes.isQuoted('CLOSED-CAPTIONS')) variant.closedCaptions = attributes.requiredString('CLOSED-CAPTIONS');
    else if (attributes.enumerated('CLOSED-CAPTIONS', ['NONE'])) variant.closedCaptions = null;
  }
  return variant;
}
