import { AmfError, decodeAmf0, toPlainObject } from '@rapidrtmp/amf';

/**
 * The metadata of an `onMetaData` script tag (or `@setDataFrame` + `onMetaData`, as RTMP publishers send
 * it), or undefined for any other script tag or an undecodable one: metadata is advisory, never fatal.
 */
export function readMetadataTag(body: Buffer): Record<string, unknown> | undefined {
  let values;
  try {
    values = decodeAmf0(body);
  } catch (error) {
    if (error instanceof AmfError) return undefined;
    throw error;
  }
  const at = values[0] === '@setDataFrame' ? 1 : 0;
  if (values[at] !== 'onMetaData') return undefined;
  return toPlainObject(values[at + 1]);
}
