// EXT-X-MEDIA (RFC 8216bis 4.4.6.1): an alternative rendition (audio, video, subtitles, closed captions) of
// a group that variants refer to.
import { AttributeList } from './attributes.js';

export type RenditionType = 'AUDIO' | 'VIDEO' | 'SUBTITLES' | 'CLOSED-CAPTIONS';

export interface MultivariantRendition {
  type: RenditionType;
  groupId: string;
  name: string;
  /** Its media playlist; REQUIRED for SUBTITLES, absent for CLOSED-CAPTIONS (carried in the video). */
  uri?: string;
  /** RFC 5646 language tag. */
  language?: string;
  default?: boolean;
  autoselect?: boolean;
  forced?: boolean;
  /** INSTREAM-ID: CC1..CC4 or SERVICEn, CLOSED-CAPTIONS only (and REQUIRED there). */
  instreamId?: string;
  /** CHANNELS: AUDIO only, e.g. "2" or "16/JOC". */
  channels?: string;
}

export const MEDIA_TAG = '#EXT-X-MEDIA';
const TYPES: readonly RenditionType[] = ['AUDIO', 'VIDEO', 'SUBTITLES', 'CLOSED-CAPTIONS'];

export function marshalMultivariantRendition(rendition: MultivariantRendition): string {
  let text = `${MEDIA_TAG}:TYPE=${rendition.type},GROUP-ID="${rendition.groupId}",NAME="${rendition.name}"`;
  if (rendition.language !== undefined) text += `,LANGUAGE="${rendition.language}"`;
  if (rendition.default) text += ',DEFAULT=YES';
  if (rendition.autoselect) text += ',AUTOSELECT=YES';
  if (rendition.forced) text += ',FORCED=YES';
  if (rendition.instreamId !== undefined) text += `,INSTREAM-ID="${rendition.instreamId}"`;
  if (rendition.channels !== undefined) text += `,CHANNELS="${rendition.channels}"`;
  if (rendition.uri !== undefined) text += `,URI="${rendition.uri}"`;
  return `${text}\n`;
}

export function unmarshalMultivariantRendition(value: string, line: number): MultivariantRendition {
  const attributes = AttributeList.parse(value, MEDIA_TAG, line);
  const type = attributes.requiredEnumerated('TYPE', TYPES);
  const rendition: MultivariantRendition = {
    type,
    groupId: attributes.requiredString('GROUP-ID'),
    name: attributes.requiredString('NAME'),
  };
  const uri = attributes.uri();
  if (uri !== undefined) rendition.uri = uri;
  const language = attributes.string('LANGUAGE');
  if (language !== undefined) rendition.language = language;
  if (attributes.yes('DEFAULT')) rendition.default = true;
  if (attributes.yes('AUTOSELECT')) rendition.autoselect = true;
  if (attributes.yes('FORCED')) rendition.forced = true;
  const instreamId = attributes.string('INSTREAM-ID');
  if (instreamId !== undefined) rendition.instreamId = instreamId;
  const channels = attributes.string('CHANNELS');
  if (channels !== undefined) rendition.channels = channels;

  if (type === 'CLOSED-CAPTIONS') {
    if (uri !== undefined) attributes.fail('URI with TYPE=CLOSED-CAPTIONS');
    if (instreamId === undefined) attributes.fail('INSTREAM-ID missing with TYPE=CLOSED-CAPTIONS');
  } else if (instreamId !== undefined) {
    attributes.fail(`INSTREAM-ID with TYPE=${type}`);
  }
  if (type === 'SUBTITLES' && uri === undefined) attributes.fail('URI missing with TYPE=SUBTITLES');
  if (channels !== undefined && type !== 'AUDIO') attributes.fail(`CHANNELS with TYPE=${type}`);
  return rendition;
}
