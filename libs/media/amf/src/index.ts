export { AmfError, type AmfErrorCode } from './amf-error.js';
export { DEFAULT_AMF_LIMITS, resolveAmfLimits, type AmfLimits } from './amf-limits.js';
export { AmfEcmaArray, AmfTypedObject, toPlainObject, type AmfObject, type AmfValue } from './amf-value.js';
export { Amf0Marker, decodeAmf0 } from './amf0-decoder.js';
export { encodeAmf0 } from './amf0-encoder.js';
export { Amf3Marker, decodeAmf3 } from './amf3-decoder.js';
export { encodeAmf3 } from './amf3-encoder.js';
