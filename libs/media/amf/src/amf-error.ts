/**
 * Malformed, hostile or out-of-limits AMF input (or a value AMF cannot carry when encoding).
 * Callers at the network edge log and count it by `code`; the codec throws nothing else for bad input.
 */
export class AmfError extends Error {
  constructor(
    readonly code: AmfErrorCode,
    message?: string,
  ) {
    super(message ? `${code}: ${message}` : code);
    this.name = 'AmfError';
  }
}

export type AmfErrorCode =
  | 'amf-truncated'
  | 'amf-depth-exceeded'
  | 'amf-unknown-marker'
  | 'amf-unsupported-type'
  | 'amf-reference-unsupported'
  | 'amf-unexpected-object-end'
  | 'amf-string-too-long'
  | 'amf-too-many-entries'
  | 'amf-too-many-values'
  | 'amf-input-too-large'
  | 'amf3-bad-reference'
  | 'amf3-reference-table-full'
  | 'amf-unencodable';
